// Apollo Server 5 with subscriptions, as Apollo's docs show: an http server carrying Express with
// Apollo's middleware (HTTP operations) and a `ws` WebSocketServer with graphql-ws's `useServer`
// (subscriptions), drained on shutdown. Authentication only through graphql-ws's documented
// `onConnect` hook (returning false rejects: 4403 Forbidden).
// Usage: node apollo.mjs --port P --public-key PEM
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { commandLine, serverOptions } from './auth.mjs';
import { schema } from './schema.mjs';

const { port, publicKey } = commandLine();

const app = express();
const httpServer = createServer(app);
const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
const serverCleanup = useServer(
  serverOptions(schema, publicKey),
  wsServer,
);

const apollo = new ApolloServer({
  schema,
  plugins: [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    {
      async serverWillStart() {
        return {
          async drainServer() {
            await serverCleanup.dispose();
          },
        };
      },
    },
  ],
});
await apollo.start();
app.use(
  '/graphql',
  cors(),
  express.json(),
  expressMiddleware(apollo, {
    context: async ({ req }) => ({
      sub: verifiedSubject(tokenOf(undefined, req), publicKey) ?? undefined,
    }),
  }),
);

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${httpServer.address().port}/graphql`);
});
const stop = async () => {
  await apollo.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
