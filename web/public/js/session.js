// What the portal remembers, in sessionStorage only: it lives as long as the tab, is never sent by
// the browser on its own (unlike a cookie) and never appears in a URL. The token is sent by api.js
// in the Authorization header of the holder space's calls.

const TOKEN = "mcf.jeton";
const HOLDER = "mcf.titulaire";
const DEADLINES = "mcf.echeances";
const DRAFT = "mcf.inscription";
const LINKS = "mcf.liens";

function read(key) {
  const value = sessionStorage.getItem(key);
  return value === null ? null : JSON.parse(value);
}

function write(key, value) {
  if (value === null || value === undefined) sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, JSON.stringify(value));
}

// The session's deadlines are kept in this browser's clock (milliseconds), on the early side of the
// server's (api.js works them out, docs/portal.md says the rule): `idle`, what a call leaves before
// the session surely ends for want of calls; `max`, its absolute end; `until`, when it surely ends
// unless a call comes first.
export const session = {
  get token() {
    return read(TOKEN);
  },
  start(token, { idle = null, max, sentAt }) {
    write(TOKEN, token);
    write(HOLDER, null);
    write(DEADLINES, { idle, max, until: idle === null ? max : Math.min(max, sentAt + idle) });
  },
  end() {
    write(TOKEN, null);
    write(HOLDER, null);
    write(DEADLINES, null);
  },
  // A call sent at `sentAt` was answered: the server may have pushed its idle deadline back.
  touch(sentAt) {
    const deadlines = read(DEADLINES);
    if (!deadlines || deadlines.idle === null) return;
    write(DEADLINES, { ...deadlines, until: Math.max(deadlines.until, Math.min(deadlines.max, sentAt + deadlines.idle)) });
  },
  // Why the session has surely ended by `now` on the server ("duree": its absolute end; "inactivite":
  // no call for too long), or null while it may still be open. A token without deadlines (kept by a
  // tab from before they were) is trusted to the server's next answer.
  endedBy(now = Date.now()) {
    const deadlines = read(DEADLINES);
    if (!this.token || !deadlines) return null;
    if (now >= deadlines.max) return "duree";
    if (now >= deadlines.until) return "inactivite";
    return null;
  },
  // The moment (browser clock) by which the server has surely ended the session, if known.
  get surelyEndsAt() {
    return read(DEADLINES)?.until ?? null;
  },
  // "Prénom NOM" for the menu, from GET /titulaire.
  get holder() {
    return read(HOLDER);
  },
  set holder(value) {
    write(HOLDER, value);
  },
};

// The registration under way: its draft id, and what the password step answered.
export const registration = {
  get draft() {
    return read(DRAFT);
  },
  set draft(value) {
    write(DRAFT, value);
  },
  forget() {
    write(DRAFT, null);
  },
};

// The code of an email's link (/activation#c=...), kept for this tab under its page's path from the
// moment the router takes it out of the address bar until the page has spent it: the délégation's
// link survives its login form, and a reload, without the code ever going back into a URL.
export const linkCodes = {
  get(path) {
    return read(LINKS)?.[path] ?? null;
  },
  set(path, code) {
    const codes = { ...read(LINKS) };
    if (code) codes[path] = code;
    else delete codes[path];
    write(LINKS, Object.keys(codes).length ? codes : null);
  },
  forget(path) {
    this.set(path, null);
  },
};

// How the menu names the holder: "Prénom NOM", as the tutorial's header shows it.
export function displayName(person) {
  return [person.prenom, person.nom_naissance?.toUpperCase()].filter(Boolean).join(" ");
}
