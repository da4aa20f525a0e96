/**
 * Entry point of the language server process: stdio (`--stdio`), IPC (`--node-ipc`, as the
 * VS Code client starts it) or socket, chosen by vscode-languageserver from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
process.on('uncaughtException', (e) => {
  // never die from a bug in a handler or a timer callback
  try {
    connection.console.error(`[apim-vnet] uncaught exception: ${e instanceof Error ? e.stack : String(e)}`);
  } catch {
    /* connection gone */
  }
});
process.on('unhandledRejection', (e) => {
  try {
    connection.console.error(`[apim-vnet] unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`);
  } catch {
    /* connection gone */
  }
});
connection.listen();
