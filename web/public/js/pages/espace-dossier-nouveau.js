// Create a training dossier (POST /titulaire/dossiers): it starts "en cours d'élaboration".

import { holder, Problem } from "../api.js";
import { button, buttons, checkbox, input, link, linkButton } from "../components.js";
import { h, page } from "../dom.js";
import { onSubmit } from "../forms.js";

export const title = "Créer un dossier de formation";

export async function render({ navigate }) {
  const form = h(
    "form",
    {},
    h("p", { class: "fr-text--sm" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
    input({ name: "intitule", label: "Intitulé de la formation", required: true }),
    input({ name: "organisme", label: "Organisme de formation", required: true }),
    input({
      name: "heures",
      label: "Nombre d'heures de formation",
      hint: "Un nombre entier d'heures, de 1 à 150.",
      required: true,
      inputmode: "numeric",
      dataset: { type: "number" },
      class: "fr-input mcf-champ-court",
    }),
    input({ name: "code_cpf", label: "Code CPF de la formation", hint: "Facultatif. Lettres, chiffres et tirets." }),
    input({ name: "date_debut", label: "Date de début", type: "date", hint: "Facultatif." , class: "fr-input mcf-champ-court"}),
    checkbox({
      name: "confidentiel",
      label: "Dossier confidentiel",
      hint: "Son intitulé n'apparaîtra ni dans votre historique ni dans les mouvements de votre compte d'heures.",
    }),
    buttons(
      linkButton("Annuler", "/espace/dossiers", { kind: "tertiary", icon: "fr-icon-close-line" }),
      button("Créer le dossier", { type: "submit", icon: "fr-icon-check-line" }),
    ),
  );
  onSubmit(form, async (values) => {
    try {
      const dossier = await holder.post("/titulaire/dossiers", values);
      await navigate(`/espace/dossiers/${encodeURIComponent(dossier.id)}`, {
        message: { type: "success", text: "Le dossier de formation a bien été créé." },
      });
    } catch (error) {
      if (error instanceof Problem && error.code === "dif_non_renseigne") {
        error.next = link("Renseigner mon solde d'heures DIF", "/espace/heures"); // the way out, beside the reason
      }
      throw error;
    }
  });
  return page(title, form);
}
