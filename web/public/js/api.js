// The API, on the same origin as the pages (no CORS). Every refusal is an RFC 9457 problem document:
// it becomes a Problem, whose `detail` and `erreurs` the pages show as they are. A holder-space call
// answered 401 ends the session here too and brings the login page back (router.js).

import { session } from "./session.js";

export class Problem extends Error {
  constructor(status, document) {
    super(document.detail);
    this.status = status;
    this.code = document.code;
    this.detail = document.detail;
    this.erreurs = Array.isArray(document.erreurs) ? document.erreurs : [];
  }
}

// Thrown once the login page has been brought back: the page that made the call just stops.
export class SessionEnded extends Error {}

const UNREACHABLE = {
  code: "service_injoignable",
  detail: "Le service ne répond pas pour le moment : vérifiez votre connexion à Internet, puis réessayez.",
};
const UNEXPECTED = {
  code: "reponse_inattendue",
  detail: "Le service a rencontré un problème inattendu : merci de réessayer dans quelques instants.",
};

let sessionEnded = () => {};

export function onSessionEnd(callback) {
  sessionEnded = callback;
}

function endSession(detail) {
  session.end();
  sessionEnded(detail);
  return new SessionEnded(detail);
}

export async function request(method, path, body, { authenticated = false, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (authenticated) {
    if (!session.token) throw endSession("Merci de vous identifier pour accéder à votre espace.");
    headers.Authorization = `Bearer ${session.token}`;
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit", // the session is the bearer token, never a cookie
    });
  } catch {
    throw new Problem(0, UNREACHABLE);
  }
  const type = response.headers.get("Content-Type") ?? "";
  if (response.ok) {
    if (response.status === 204) return null;
    if (type.includes("json")) return response.json();
    return response.blob();
  }
  const document = type.includes("json") ? await response.json().catch(() => UNEXPECTED) : UNEXPECTED;
  const problem = new Problem(response.status, document);
  if (authenticated && response.status === 401) throw endSession(problem.detail);
  throw problem;
}

export const api = {
  get: (path, options) => request("GET", path, undefined, options),
  post: (path, body, options) => request("POST", path, body, options),
  put: (path, body, options) => request("PUT", path, body, options),
  patch: (path, body, options) => request("PATCH", path, body, options),
  delete: (path, options) => request("DELETE", path, undefined, options),
};

// The holder space's calls, all with the session's token.
export const holder = {
  get: (path) => api.get(path, { authenticated: true }),
  post: (path, body) => api.post(path, body, { authenticated: true }),
  put: (path, body) => api.put(path, body, { authenticated: true }),
  patch: (path, body) => api.patch(path, body, { authenticated: true }),
  delete: (path) => api.delete(path, { authenticated: true }),
};
