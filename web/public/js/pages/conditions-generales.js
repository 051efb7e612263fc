// The Conditions Générales d'Utilisation in force, as the API gives them (GET /cgu).

import { api } from "../api.js";
import { h, page } from "../dom.js";

export const title = "Conditions générales d'utilisation";

export function cguText(cgu) {
  return h(
    "div",
    { class: "mcf-cgu", id: "texte-cgu" },
    h("p", {}, cgu.texte),
    h("p", { class: "fr-text--sm fr-mb-0" }, `Version du ${cgu.version}.`),
  );
}

export async function render() {
  return page("Conditions générales d'utilisation", cguText(await api.get("/cgu")));
}
