// "Modifier mon mot de passe" (PUT /titulaire/mot-de-passe): the current one, then a new one with
// each rule ticked as it is met. The holder's other sessions are ended.

import { holder } from "../api.js";
import { alert, button, buttons, password } from "../components.js";
import { h, page } from "../dom.js";
import { onSubmit } from "../forms.js";
import { attachChecklist, loadRules } from "../password-rules.js";

export const title = "Modifier mon mot de passe";

function passwordForm(regles, done) {
  const form = h(
    "form",
    {},
    password({ name: "mot_de_passe_actuel", label: "Mot de passe actuel", autocomplete: "current-password" }),
    attachChecklist(password({ name: "nouveau_mot_de_passe", label: "Nouveau mot de passe" }), regles),
    password({ name: "confirmation", label: "Confirmation du nouveau mot de passe" }),
    buttons(button("Modifier mon mot de passe", { type: "submit" })),
  );
  return onSubmit(form, async (values) => {
    const changed = await holder.put("/titulaire/mot-de-passe", values);
    const others = changed.sessions_fermees
      ? ` Vos autres sessions ouvertes (${changed.sessions_fermees}) ont été fermées.`
      : "";
    done(changed.detail + others);
  });
}

export async function render() {
  const { regles } = await loadRules();
  const content = page("Modifier mon mot de passe");
  const body = h("div");
  content.append(body);
  const show = (message) => {
    const notice = message ? alert("success", message, { role: "status" }) : null;
    body.replaceChildren(notice ?? "", passwordForm(regles, show));
    if (notice) {
      notice.tabIndex = -1;
      notice.focus();
    }
  };
  show(null);
  return content;
}
