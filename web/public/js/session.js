// What the portal remembers, in sessionStorage only: it lives as long as the tab, is never sent by
// the browser on its own (unlike a cookie) and never appears in a URL. The token is sent by api.js
// in the Authorization header of the holder space's calls.

const TOKEN = "mcf.jeton";
const HOLDER = "mcf.titulaire";
const DRAFT = "mcf.inscription";

function read(key) {
  const value = sessionStorage.getItem(key);
  return value === null ? null : JSON.parse(value);
}

function write(key, value) {
  if (value === null || value === undefined) sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, JSON.stringify(value));
}

export const session = {
  get token() {
    return read(TOKEN);
  },
  start(token) {
    write(TOKEN, token);
    write(HOLDER, null);
  },
  end() {
    write(TOKEN, null);
    write(HOLDER, null);
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

// How the menu names the holder: "Prénom NOM", as the tutorial's header shows it.
export function displayName(person) {
  return [person.prenom, person.nom_naissance?.toUpperCase()].filter(Boolean).join(" ");
}
