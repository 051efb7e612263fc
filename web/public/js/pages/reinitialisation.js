// The page the password reset email links to (/reinitialisation#c=<code>, handed as `code` by the
// router, which took it out of the address bar): a new password, each rule ticked as it is met
// (POST /mots-de-passe/reinitialisation). Every session is ended; "Mettre fin à toutes mes délégations"
// ends every délégation given too (`fin_des_delegations`).

import { api, Problem } from "../api.js";
import { alert, button, buttons, checkbox, link, password } from "../components.js";
import { h, page } from "../dom.js";
import { onSubmit } from "../forms.js";
import { attachChecklist, loadRules } from "../password-rules.js";

export const title = "Choisir un nouveau mot de passe";

export async function render({ code, forgetCode, navigate }) {
  if (!code) {
    return page(
      title,
      alert("error", "Ce lien de réinitialisation est incomplet : copiez-le en entier depuis le courriel reçu."),
      h("p", { class: "fr-mt-2w" }, link("Faire une nouvelle demande", "/mot-de-passe-oublie")),
    );
  }
  const { regles } = await loadRules();
  const form = h(
    "form",
    {},
    attachChecklist(password({ name: "mot_de_passe", label: "Nouveau mot de passe" }), regles),
    password({ name: "mot_de_passe_confirmation", label: "Confirmation du nouveau mot de passe" }),
    checkbox({
      name: "fin_des_delegations",
      label: "Mettre fin à toutes mes délégations",
      hint: "Les personnes à qui vous avez donné accès à votre compte le perdent aussitôt, et les invitations en attente ne pourront plus être acceptées. À cocher si vous pensez que quelqu'un d'autre a utilisé votre compte.",
    }),
    buttons(button("Enregistrer mon nouveau mot de passe", { type: "submit", icon: "fr-icon-check-line" })),
  );
  onSubmit(form, async (values) => {
    try {
      const done = await api.post("/mots-de-passe/reinitialisation", { code, ...values });
      forgetCode();
      await navigate("/", { replace: true, message: { type: "success", text: done.detail } });
    } catch (error) {
      if (error instanceof Problem && ["code_invalide", "code_expire"].includes(error.code)) {
        forgetCode();
        form.replaceWith(
          alert("error", error.detail, { role: "alert" }),
          h("p", { class: "fr-mt-2w" }, link("Faire une nouvelle demande", "/mot-de-passe-oublie")),
        );
        return;
      }
      throw error;
    }
  });
  return page(title, h("p", {}, "Choisissez votre nouveau mot de passe : vos sessions ouvertes seront fermées."), form);
}
