// Step 3, "Saisir son mot de passe": each rule in force ticked as it is met, then
// PUT /inscriptions/{id}/mot-de-passe, which sends the activation email.

import { api } from "../api.js";
import { button, buttons, linkButton, password } from "../components.js";
import { h } from "../dom.js";
import { onSubmit } from "../forms.js";
import { attachChecklist, loadRules } from "../password-rules.js";
import { cancelButton, currentDraft, header, restart, stepTitle } from "../registration.js";
import { registration } from "../session.js";

export const title = stepTitle(3);

export async function render({ navigate }) {
  const draft = await currentDraft();
  if (!draft) return restart(navigate);
  if (draft.etape === "identite") return navigate("/inscription/identite", { replace: true });
  if (draft.etape === "activation") return navigate("/inscription/enregistree", { replace: true });
  const { regles } = await loadRules();
  const form = h(
    "form",
    {},
    h("p", {}, "Choisissez votre mot de passe personnel : il vous servira, avec votre numéro de sécurité sociale, à vous connecter à votre espace."),
    attachChecklist(password({ name: "mot_de_passe", label: "Mot de passe" }), regles),
    password({ name: "mot_de_passe_confirmation", label: "Confirmation mot de passe" }),
    buttons(
      cancelButton(navigate),
      linkButton("Retour", "/inscription/identite", { kind: "secondary", icon: "fr-icon-arrow-left-line" }),
      button("Valider mon inscription", { type: "submit", icon: "fr-icon-check-line" }),
    ),
  );
  onSubmit(form, async (values) => {
    const registered = await api.put(`/inscriptions/${encodeURIComponent(draft.id)}/mot-de-passe`, values);
    registration.draft = { id: draft.id, enregistree: registered };
    await navigate("/inscription/enregistree");
  });
  return h("div", { class: "fr-container fr-my-6w" }, header(3), form);
}
