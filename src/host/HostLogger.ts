/** The logger the host layer writes to (pino-compatible). Never handed card data unmasked. */
export interface HostLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: HostLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
