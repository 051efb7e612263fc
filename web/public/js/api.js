// The API, on the same origin as the pages (no CORS). Every refusal is an RFC 9457 problem document:
// it becomes a Problem, whose `detail` and `erreurs` the pages show as they are. A holder-space call
// answered 401 ends the session here too and brings the login page back (router.js); so does the
// moment the server has surely ended the session (its deadlines, below), with no call at all.

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

const ENDED = {
  inactivite: "Votre session a pris fin faute d'activité : merci de vous identifier de nouveau.",
  duree: "Votre session a atteint sa durée maximale : merci de vous identifier de nouveau.",
};
const WATCH_MS = 5_000; // how often the deadlines are looked at (timers sleep with the computer)

let sessionEnded = () => {};

export function onSessionEnd(callback) {
  sessionEnded = callback;
}

function endSession(detail) {
  session.end();
  sessionEnded(detail);
  return new SessionEnded(detail);
}

// The session has surely ended on the server: forgotten here, the page cleared (the login page comes
// back), with no call. True when it did.
export function endSessionIfDue() {
  const reason = session.endedBy();
  if (!reason) return false;
  endSession(ENDED[reason]);
  return true;
}

// Looks at the deadlines every few seconds and whenever the tab comes back into view.
export function watchSession() {
  setInterval(endSessionIfDue, WATCH_MS);
  for (const event of ["focus", "pageshow"]) window.addEventListener(event, endSessionIfDue);
  document.addEventListener("visibilitychange", () => document.hidden || endSessionIfDue());
}

// `authenticated`: the session's token is needed (a holder-space call); `bearerIfAny`: it is sent
// when the tab has one, and the call is then treated as a holder-space call (FranceConnect's return).
async function exchange(method, path, body, { authenticated = false, bearerIfAny = false, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (bearerIfAny && session.token && !session.endedBy()) authenticated = true;
  if (authenticated) {
    if (endSessionIfDue()) throw new SessionEnded();
    if (!session.token) throw endSession("Merci de vous identifier pour accéder à votre espace.");
    headers.Authorization = `Bearer ${session.token}`;
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const sentAt = Date.now();
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
  // Any answer but a 401 may have pushed the server's idle deadline back: so does the browser's.
  if (authenticated && response.status !== 401) session.touch(sentAt);
  const type = response.headers.get("Content-Type") ?? "";
  if (response.ok) {
    if (response.status === 204) return { response, sentAt, body: null };
    if (type.includes("json")) return { response, sentAt, body: await response.json() };
    return { response, sentAt, body: await response.blob() };
  }
  const document = type.includes("json") ? await response.json().catch(() => UNEXPECTED) : UNEXPECTED;
  const problem = new Problem(response.status, document);
  if (authenticated && response.status === 401) throw endSession(problem.detail);
  throw problem;
}

export async function request(method, path, body, options) {
  return (await exchange(method, path, body, options)).body;
}

// "Je m'identifie": POST /sessions, and the session's deadlines in this browser's clock, on the
// early side. The server's moments are read against its Date header (whole seconds, so the server's
// clock was at most 1 s past it), taken as read when the request left: whatever the two clocks say,
// a moment of the server's is mapped no later than it comes. Without a Date header, the clocks are
// taken as agreeing.
export async function openSession(credentials) {
  return startSession(await exchange("POST", "/sessions", credentials));
}

// FranceConnect's return (POST /franceconnect/retour), with the session's token when the tab has one
// (a verification needs it; the sealed state tells the server which path it is). A login's answer
// opens the session as the password's does.
export async function returnFromFranceConnect(returned) {
  const answer = await exchange("POST", "/franceconnect/retour", returned, { bearerIfAny: true });
  if (answer.body.parcours === "connexion") startSession(answer);
  return answer.body;
}

function startSession({ response, sentAt, body }) {
  const serverDate = Date.parse(response.headers.get("Date") ?? "");
  const offset = Number.isNaN(serverDate) ? 0 : sentAt - (serverDate + 1000);
  const max = Date.parse(body.expire_le) + offset;
  const idleEnd = Date.parse(body.expire_sans_activite_le ?? "");
  session.start(body.jeton, { max, sentAt, idle: Number.isNaN(idleEnd) ? null : idleEnd + offset - sentAt });
  return body;
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
