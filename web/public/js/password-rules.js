// The password rules in force, ticked as the person types. The server's profile (PASSWORD_POLICY)
// is not known to a static page: GET /mots-de-passe/regles lists its rules, each with what to count
// and its bounds, and this module counts the same way the server checks (chalicelib/domain/passwords.py;
// tests/system checks both agree). The server stays the judge: its `erreurs` flag the rules unmet.

import { api } from "./api.js";
import { append, h } from "./dom.js";

let loaded = null;

export function loadRules() {
  loaded ??= api.get("/mots-de-passe/regles").catch((error) => {
    loaded = null; // asked again next time
    throw error;
  });
  return loaded;
}

const DIGITS = /[0-9]/u;
const LETTER = /\p{L}/u;
// Python's isupper()/islower() follow Unicode's Uppercase/Lowercase properties (Ⓐ is upper-case).
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const ALPHANUMERIC = /[\p{L}\p{N}]/u;

// What `mesure` counts, in code points of the NFC form, as Python's len() and str methods do.
export function count(measure, password) {
  const characters = [...password.normalize("NFC")];
  const howMany = (pattern) => characters.filter((character) => pattern.test(character)).length;
  switch (measure) {
    case "lettres":
      return howMany(LETTER);
    case "majuscules":
      return howMany(UPPER);
    case "chiffres":
      return howMany(DIGITS);
    case "categories":
      return [
        characters.some((c) => UPPER.test(c)),
        characters.some((c) => LOWER.test(c)),
        characters.some((c) => DIGITS.test(c)),
        characters.some((c) => !ALPHANUMERIC.test(c)),
      ].filter(Boolean).length;
    case "longueur":
      return characters.length;
    default:
      return Number.NaN; // an unknown measure is never met: the server will say why
  }
}

export function isMet(rule, password) {
  const value = count(rule.mesure, password);
  if (Number.isNaN(value)) return false;
  return (rule.min === null || value >= rule.min) && (rule.max === null || value <= rule.max);
}

export function unmetCodes(rules, password) {
  return rules.filter((rule) => !isMet(rule, password)).map((rule) => rule.code);
}

// Puts the checklist under a password field of components.password() and keeps it ticked.
export function attachChecklist(group, rules) {
  const input = group.querySelector("input.fr-password__input");
  const messages = group.querySelector(".fr-messages-group");
  append(messages, [
    h("p", { class: "fr-message" }, "Votre mot de passe doit contenir :"),
    rules.map((rule) =>
      h(
        "p",
        {
          class: "fr-message fr-message--info",
          dataset: { regle: rule.code, frValid: "validé", frError: "en erreur" },
        },
        rule.message,
      ),
    ),
  ]);
  const tick = () => {
    for (const rule of rules) {
      const item = messages.querySelector(`[data-regle="${rule.code}"]`);
      const met = isMet(rule, input.value);
      item.classList.toggle("fr-message--valid", met);
      item.classList.toggle("fr-message--info", !met);
      item.classList.remove("fr-message--error");
    }
  };
  input.addEventListener("input", tick);
  return group;
}

// Flags a rule of the checklist that the server found unmet; false when `code` is no rule here.
export function markRuleErrors(group, code) {
  const item = group.querySelector(`[data-regle="${CSS.escape(code)}"]`);
  if (!item) return false;
  item.classList.remove("fr-message--info", "fr-message--valid");
  item.classList.add("fr-message--error");
  return true;
}
