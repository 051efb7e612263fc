// What the délégations' pages share: the scopes and statuses in words, and the dates of the form.

import { h } from "./dom.js";

// The scope as a table or a sentence names it.
export const SCOPES = {
  consultation: "Consultation",
  gestion: "Consultation et préparation de dossiers",
};

// What the scope lets the delegate do, in a sentence ("… vous confie …").
export const SCOPE_SENTENCES = {
  consultation: "la consultation de son compte",
  gestion: "la consultation de son compte et la préparation de ses dossiers de formation",
};

const STATUSES = {
  en_attente: ["En attente", "fr-badge--info"],
  active: ["Active", "fr-badge--success"],
  revoquee: ["Révoquée", ""],
  expiree: ["Expirée", ""],
  courriel_invalide: ["Courriel invalide", "fr-badge--error"],
};

export function delegationBadge(status) {
  const [text, modifier] = STATUSES[status] ?? [status, ""];
  return h("p", { class: `fr-badge fr-badge--sm fr-badge--no-icon ${modifier}`.trim() }, text);
}

// Today and the same day next year, as calendar dates in metropolitan France (AAAA-MM-JJ): the API
// reads `fin` as a Paris date, from tomorrow to one year ahead (28 February for a 29th).
const PARIS_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

export function parisToday(now = new Date()) {
  return PARIS_DATE.format(now);
}

export function sameDayNextYear(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  const kept = month === 2 && day === 29 ? 28 : day;
  return `${year + 1}-${String(month).padStart(2, "0")}-${String(kept).padStart(2, "0")}`;
}

export function dayAfter(isoDate) {
  const next = new Date(`${isoDate}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
