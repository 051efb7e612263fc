// Step 4, "Valider son inscription": the activation email is on its way; "Terminer".

import { alert, button, buttons, link } from "../components.js";
import { date, h } from "../dom.js";
import { header, MISTYPED, stepTitle } from "../registration.js";
import { registration } from "../session.js";

export const title = stepTitle(4);

export async function render({ navigate }) {
  const answer = registration.draft?.enregistree;
  const deadline = answer?.activation_expire_le ? ` (jusqu'au ${date(answer.activation_expire_le)})` : "";
  const sent = answer?.courriel_envoye !== false;
  return h(
    "div",
    { class: "fr-container fr-my-6w" },
    header(4),
    sent
      ? alert(
          "success",
          [
            "Vous allez recevoir un courriel contenant un lien de confirmation. Vous devrez cliquer sur ce lien pour valider votre inscription et accéder à votre compte titulaire.",
            `Attention : le lien restera actif durant 15 jours${deadline}. Au-delà, vous devrez recommencer votre inscription.`,
          ],
          { title: "Votre inscription a bien été enregistrée" },
        )
      : alert("warning", answer.detail, { title: "Votre inscription a bien été enregistrée" }),
    h(
      "p",
      { class: "fr-mt-3w" },
      "Pas de courriel ? Vérifiez vos courriers indésirables, puis ",
      link("demandez un nouveau lien", "/courriel-non-recu"),
      ".",
    ),
    h("p", {}, MISTYPED),
    buttons(
      button("Terminer", {
        icon: "fr-icon-check-line",
        onclick: () => {
          registration.forget();
          navigate("/");
        },
      }),
    ),
  );
}
