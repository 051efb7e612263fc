// Step 1, "Valider les CGU": the text, the box to tick, "Continuer" (POST /inscriptions).

import { api } from "../api.js";
import { button, buttons, checkbox } from "../components.js";
import { h } from "../dom.js";
import { onSubmit } from "../forms.js";
import { cancelButton, header, stepTitle } from "../registration.js";
import { registration } from "../session.js";
import { cguText } from "./conditions-generales.js";

export const title = stepTitle(1);

export async function render({ navigate }) {
  const cgu = await api.get("/cgu");
  const form = h(
    "form",
    {},
    h("p", {}, "Merci de valider les ", h("strong", {}, "Conditions Générales d'Utilisation"), " afin de pouvoir poursuivre votre inscription."),
    h("h2", { class: "fr-h4" }, "Conditions Générales d'Utilisation"),
    cguText(cgu),
    checkbox({
      name: "cgu_acceptees",
      label: "Je déclare avoir lu, compris et accepté les Conditions Générales d'Utilisation",
    }),
    buttons(cancelButton(navigate), button("Continuer", { type: "submit", icon: "fr-icon-arrow-right-line" })),
  );
  onSubmit(form, async (values) => {
    const draft = await api.post("/inscriptions", { cgu_acceptees: values.cgu_acceptees, cgu_version: cgu.version });
    registration.draft = { id: draft.id };
    await navigate("/inscription/identite");
  });
  return h("div", { class: "fr-container fr-my-6w" }, header(1), form);
}
