/**
 * Request ids: taken from a request header when it holds a usable id, generated otherwise.
 * The id is echoed in the response header and carried in the metadata of every run the
 * request starts, so logs, traces and the client can name the same request.
 */
import { nanoid } from "nanoid";

/** The header a request id is read from and echoed in, unless another is configured. */
export const DEFAULT_REQUEST_ID_HEADER = "x-request-id";

/** The longest request id taken from a client; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 200;

// Visible ASCII only: the id goes back out in a response header and into logs.
const USABLE_ID = /^[\x21-\x7e]+$/;

/**
 * The request id of a request: the header's value when it is 1 to 200 visible ASCII
 * characters, else a new nanoid. A header sent twice is not one id, so it is replaced too.
 */
export function requestIdFrom(value: string | string[] | undefined): string {
  if (typeof value === "string" && value.length <= MAX_REQUEST_ID_LENGTH && USABLE_ID.test(value)) return value;
  return nanoid();
}

/** Checks and normalises a configured header name (header names are case-insensitive). */
export function headerName(header: unknown, where: string): string {
  if (typeof header !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    throw new TypeError(`callbus: ${where} needs a valid HTTP header name as \`header\`, got ${JSON.stringify(header) ?? String(header)}`);
  }
  return header.toLowerCase();
}
