// The DSFR components the pages use, as the design system writes them (classes, ids, ARIA), built
// with h(). Every field carries `data-champ`, the API's field name, so that an `erreurs` entry of a
// problem document finds the place to show its message (forms.js).

import { h, uid } from "./dom.js";

export function alert(type, text, { title, small = !title, role } = {}) {
  return h(
    "div",
    { class: `fr-alert fr-alert--${type}${small ? " fr-alert--sm" : ""}`, role },
    title ? h("h2", { class: "fr-alert__title" }, title) : null,
    [text].flat().map((paragraph) => (paragraph instanceof Node ? paragraph : h("p", {}, paragraph))),
  );
}

function label(forId, text, { hint, required }) {
  return h(
    "label",
    { class: "fr-label", for: forId },
    text,
    required ? " *" : null,
    hint ? h("span", { class: "fr-hint-text" }, hint) : null,
  );
}

function messages(id) {
  return h("div", { class: "fr-messages-group", id, "aria-live": "polite" });
}

export function input({ name, label: text, hint, type = "text", required = false, value, autocomplete, ...attributes }) {
  const id = uid(`champ-${name}`);
  const messagesId = `${id}-messages`;
  const field = h("input", {
    class: "fr-input",
    id,
    name,
    type,
    value,
    autocomplete,
    "aria-required": required ? "true" : null,
    "aria-describedby": messagesId,
    ...attributes,
  });
  return h(
    "div",
    { class: "fr-input-group", dataset: { champ: name } },
    label(id, text, { hint, required }),
    field,
    messages(messagesId),
  );
}

export function radios({ name, legend, options, value, required = false, inline = true }) {
  const id = uid(`champ-${name}`);
  const legendId = `${id}-legende`;
  const messagesId = `${id}-messages`;
  return h(
    "fieldset",
    {
      class: `fr-fieldset${inline ? " fr-fieldset--inline" : ""}`,
      id,
      "aria-labelledby": `${legendId} ${messagesId}`,
      dataset: { champ: name },
    },
    h("legend", { class: "fr-fieldset__legend--regular fr-fieldset__legend", id: legendId }, legend, required ? " *" : null),
    options.map(([optionValue, optionLabel], index) =>
      h(
        "div",
        { class: "fr-fieldset__element" + (inline ? " fr-fieldset__element--inline" : "") },
        h(
          "div",
          { class: "fr-radio-group" },
          h("input", { type: "radio", id: `${id}-${index}`, name, value: optionValue, checked: optionValue === value }),
          h("label", { class: "fr-label", for: `${id}-${index}` }, optionLabel),
        ),
      ),
    ),
    messages(messagesId),
  );
}

export function checkbox({ name, label: text, hint, checked = false }) {
  const id = uid(`champ-${name}`);
  const messagesId = `${id}-messages`;
  return h(
    "div",
    { class: "fr-checkbox-group", dataset: { champ: name } },
    h("input", { type: "checkbox", id, name, checked, "aria-describedby": messagesId }),
    h("label", { class: "fr-label", for: id }, text, hint ? h("span", { class: "fr-hint-text" }, hint) : null),
    messages(messagesId),
  );
}

// The DSFR's password field: "Afficher" shows the characters; `rules` (from password-rules.js)
// become the checklist the DSFR places under the field, ticked as the person types.
export function password({ name, label: text, autocomplete = "new-password", required = true, hint }) {
  const id = uid(`champ-${name}`);
  const messagesId = `${id}-messages`;
  return h(
    "div",
    { class: "fr-password", id: `${id}-groupe`, dataset: { champ: name } },
    h(
      "label",
      { class: "fr-password__label fr-label", for: id },
      text,
      required ? " *" : null,
      hint ? h("span", { class: "fr-hint-text" }, hint) : null,
    ),
    h(
      "div",
      { class: "fr-input-wrap" },
      h("input", {
        class: "fr-password__input fr-input",
        id,
        name,
        type: "password",
        autocomplete,
        autocapitalize: "off",
        autocorrect: "off",
        spellcheck: "false",
        "aria-required": required ? "true" : null,
        "aria-describedby": messagesId,
      }),
    ),
    messages(messagesId),
    h(
      "div",
      { class: "fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm" },
      h("input", { type: "checkbox", id: `${id}-afficher`, "aria-label": `Afficher le mot de passe : ${text}` }),
      h("label", { class: "fr-password__checkbox fr-label", for: `${id}-afficher` }, "Afficher"),
    ),
  );
}

export function button(text, { kind = "primary", type = "button", icon, onclick, size, ...attributes } = {}) {
  const classes = ["fr-btn"];
  if (kind !== "primary") classes.push(`fr-btn--${kind}`);
  if (size) classes.push(`fr-btn--${size}`);
  if (icon) classes.push(icon, "fr-btn--icon-left");
  return h("button", { class: classes.join(" "), type, onclick, ...attributes }, text);
}

export function linkButton(text, href, { kind = "primary", icon } = {}) {
  const classes = ["fr-btn"];
  if (kind !== "primary") classes.push(`fr-btn--${kind}`);
  if (icon) classes.push(icon, "fr-btn--icon-left");
  return h("a", { class: classes.join(" "), href }, text);
}

export function link(text, href, { icon } = {}) {
  return h("a", { class: `fr-link${icon ? ` ${icon} fr-link--icon-left` : ""}`, href }, text);
}

// Buttons in the order the tutorial shows them (Annuler, Retour, then the main action).
export function buttons(...items) {
  return h(
    "ul",
    { class: "fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-4w" },
    items.filter(Boolean).map((item) => h("li", {}, item)),
  );
}

export const REGISTRATION_STEPS = ["Valider les CGU", "S'inscrire", "Saisir son mot de passe", "Valider son inscription"];

export function stepper(current) {
  const next = REGISTRATION_STEPS[current];
  return h(
    "div",
    { class: "fr-stepper" },
    h(
      "h2",
      { class: "fr-stepper__title" },
      REGISTRATION_STEPS[current - 1],
      h("span", { class: "fr-stepper__state" }, `Étape ${current} sur ${REGISTRATION_STEPS.length}`),
    ),
    h("div", {
      class: "fr-stepper__steps",
      "data-fr-current-step": String(current),
      "data-fr-steps": String(REGISTRATION_STEPS.length),
    }),
    next ? h("p", { class: "fr-stepper__details" }, h("span", { class: "fr-text--bold" }, "Étape suivante :"), ` ${next}`) : null,
  );
}

// The caption names the table for screen readers; the page's visible heading stands above it.
// `multiline`: long cells wrap (the DSFR keeps each on one line otherwise, and scrolls sideways).
export function table(caption, headers, rows, { multiline = false } = {}) {
  return h(
    "div",
    { class: `fr-table fr-table--no-caption fr-table--layout-fixed${multiline ? " fr-table--multiline" : ""}` },
    h(
      "div",
      { class: "fr-table__wrapper" },
      h(
        "div",
        { class: "fr-table__container" },
        h(
          "div",
          { class: "fr-table__content" },
          h(
            "table",
            {},
            h("caption", {}, caption),
            h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
            h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))),
          ),
        ),
      ),
    ),
  );
}

// "term: value" pairs (a dossier's details, the hours); a value that is empty leaves its row out.
export function summary(rows) {
  return h(
    "dl",
    { class: "mcf-resume" },
    rows
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

const STATUSES = {
  en_cours_elaboration: ["En cours d'élaboration", "fr-badge--info"],
  valide: ["Validé", "fr-badge--success"],
  clos: ["Clos", ""],
};

export function statusBadge(status) {
  const [text, modifier] = STATUSES[status] ?? [status, ""];
  return h("p", { class: `fr-badge fr-badge--sm fr-badge--no-icon ${modifier}`.trim() }, text);
}

export function statusLabel(status) {
  return (STATUSES[status] ?? [status])[0];
}
