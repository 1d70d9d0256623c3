// The schema both Node servers serve, in graphql-js's own types:
//   type Query { me: String! }
//   type Subscription { ticks: Int!  countdown(from: Int!): Int! }
// `me` reads the verified `sub` from the operation's context ({ sub }).
import {
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function* ticks() {
  for (let n = 0; ; n += 1) {
    if (n > 0) await sleep(100);
    yield { ticks: n };
  }
}

async function* countdown(_root, { from }) {
  for (let n = from; n >= 1; n -= 1) {
    if (n !== from) await sleep(100);
    yield { countdown: n };
  }
}

export const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      me: { type: new GraphQLNonNull(GraphQLString), resolve: (_root, _args, context) => context.sub },
    },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: { type: new GraphQLNonNull(GraphQLInt), subscribe: ticks },
      countdown: {
        type: new GraphQLNonNull(GraphQLInt),
        args: { from: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: countdown,
      },
    },
  }),
});
