// Create a training dossier (POST /titulaire/dossiers): it starts "en cours d'élaboration".

import { holder, Problem } from "../api.js";
import { button, buttons, link, linkButton } from "../components.js";
import { h, page } from "../dom.js";
import { dossierFields } from "../dossier-form.js";
import { onSubmit } from "../forms.js";

export const title = "Créer un dossier de formation";

export async function render({ navigate }) {
  const form = h(
    "form",
    {},
    dossierFields({ confidential: true }),
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
