// The fields of a training dossier, as the API names them (POST /titulaire/dossiers and, for a
// delegate with `gestion`, POST /titulaire/comptes-delegues/{id}/dossiers): the holder's form has the
// "confidentiel" check box, the delegate's has none (only the holder may make a dossier confidential).

import { checkbox, input } from "./components.js";
import { h } from "./dom.js";

export function dossierFields({ confidential }) {
  return [
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
    input({ name: "date_debut", label: "Date de début", type: "date", hint: "Facultatif.", class: "fr-input mcf-champ-court" }),
    confidential
      ? checkbox({
          name: "confidentiel",
          label: "Dossier confidentiel",
          hint: "Son intitulé n'apparaîtra ni dans votre historique ni dans les mouvements de votre compte d'heures.",
        })
      : null,
  ];
}
