/**
 * The platform's floor for `npm run bench:start`: a bare Node echo server on a Unix socket (no
 * posterm code), in a process of its own. Prints {"socket": PATH} once it listens.
 */
import { createServer } from 'node:net';

const path = process.argv[2];
const server = createServer((s) => s.on('data', (chunk) => s.write(chunk)));
server.listen(path, () => console.log(JSON.stringify({ socket: path })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
