// The graphql-ws reference server (graphql-ws's `useServer` on a `ws` WebSocketServer), as its
// README shows. Authentication only through its documented `onConnect` hook: returning false
// rejects (graphql-ws closes 4403 Forbidden). Usage: node reference.mjs --port P --public-key PEM
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { commandLine, serverOptions } from './auth.mjs';
import { schema } from './schema.mjs';

const { port, publicKey } = commandLine();

const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/graphql' });
useServer(
  serverOptions(schema, publicKey),
  server,
);
server.on('listening', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}/graphql`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
