// Step 2, "S'inscrire": the identity form and the security check (image, its audio version,
// "renouveler les caractères"), then PUT /inscriptions/{id}/identite. "S'inscrire avec FranceConnect"
// above it (POST /inscriptions/{id}/franceconnect): once back, the draft says `franceconnect` and
// carries FranceConnect's civilité, prénom and nom de naissance, shown instead of their fields (the
// account will have them; the API ignores the form's, which are sent from the draft).

import { api } from "../api.js";
import { alert, button, buttons, input, linkButton, radios, summary } from "../components.js";
import { h } from "../dom.js";
import { onSubmit } from "../forms.js";
import { franceConnectButton, or } from "../franceconnect.js";
import { cancelButton, currentDraft, header, restart, stepTitle } from "../registration.js";
import { securityCheck } from "../captcha.js";

export const title = stepTitle(2);

export async function render({ navigate }) {
  const draft = await currentDraft();
  if (!draft) return restart(navigate);
  if (draft.etape === "activation") return navigate("/inscription/enregistree", { replace: true });
  // "Retour" from the password step: what was sent is shown again, but never the full NIR.
  const known = draft.etape === "mot_de_passe" ? draft : {};
  const fromFranceConnect = Boolean(draft.franceconnect);
  const check = securityCheck();
  const names = fromFranceConnect
    ? [
        alert(
          "success",
          [
            "FranceConnect nous a transmis votre identité : votre compte aura cette civilité, ce prénom et ce nom de naissance, " +
              "et votre identité sera vérifiée. Complétez les autres informations ci-dessous.",
            summary([
              ["Civilité", draft.civilite === "M" ? "Monsieur" : "Madame"],
              ["Prénom", draft.prenom ?? ""],
              ["Nom de naissance", draft.nom_naissance],
            ]),
          ],
          { title: "Identité transmise par FranceConnect" },
        ),
      ]
    : [
        radios({
          name: "civilite",
          legend: "Civilité",
          required: true,
          value: known.civilite,
          options: [
            ["MME", "Madame"],
            ["M", "Monsieur"],
          ],
        }),
        input({ name: "prenom", label: "Prénom", autocomplete: "given-name", value: known.prenom }),
        input({
          name: "nom_naissance",
          label: "Nom de naissance",
          required: true,
          hint: "Votre nom de naissance, et non votre nom d'usage (nom d'épouse ou d'époux).",
          autocomplete: "family-name",
          value: known.nom_naissance,
        }),
      ];
  const form = h(
    "form",
    {},
    h("p", { class: "fr-text--sm" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
    fromFranceConnect ? names : null,
    input({
      name: "nir",
      label: "N° de sécurité sociale",
      required: true,
      hint: known.nir_masque
        ? `Saisissez-le à nouveau (${known.nir_masque}). 15 caractères, espaces acceptés.`
        : "15 caractères, espaces acceptés. Exemple : 1 84 05 75 123 456 25",
      autocapitalize: "characters",
      spellcheck: "false",
    }),
    fromFranceConnect ? null : names,
    input({ name: "telephone_fixe", label: "Téléphone fixe", type: "tel", autocomplete: "tel-national", value: known.telephone_fixe }),
    input({ name: "telephone_portable", label: "Téléphone portable", type: "tel", autocomplete: "tel-national", value: known.telephone_portable }),
    input({ name: "courriel", label: "Courriel", type: "email", required: true, autocomplete: "email", hint: "Exemple : prenom.nom@exemple.fr", value: known.courriel }),
    input({ name: "courriel_confirmation", label: "Confirmation courriel", type: "email", required: true, autocomplete: "email", value: known.courriel }),
    check.element,
    buttons(
      cancelButton(navigate),
      linkButton("Retour", "/inscription", { kind: "secondary", icon: "fr-icon-arrow-left-line" }),
      button("Continuer", { type: "submit", icon: "fr-icon-arrow-right-line" }),
    ),
  );
  onSubmit(form, async (values) => {
    try {
      // With FranceConnect, its names (the API ignores them: the account takes FranceConnect's).
      const sent = fromFranceConnect
        ? { ...values, civilite: draft.civilite, prenom: draft.prenom ?? "", nom_naissance: draft.nom_naissance }
        : values;
      await api.put(`/inscriptions/${encodeURIComponent(draft.id)}/identite`, { ...sent, captcha_id: check.id() });
    } catch (error) {
      // Right or wrong, a sent answer spends the captcha: a new one is shown for the next try.
      await check.renew();
      throw error;
    }
    await navigate("/inscription/mot-de-passe");
  });
  await check.renew();
  const franceConnect = fromFranceConnect
    ? null
    : h(
        "section",
        { class: "fr-mb-4w", "aria-labelledby": "inscription-franceconnect" },
        h("h2", { id: "inscription-franceconnect", class: "fr-h5" }, "S'inscrire avec FranceConnect"),
        h(
          "p",
          {},
          "FranceConnect nous transmet votre civilité, votre prénom et votre nom de naissance : vous n'avez pas à les saisir, " +
            "et votre identité est vérifiée dès l'inscription. Il vous restera à saisir votre numéro de sécurité sociale et votre courriel.",
        ),
        franceConnectButton({ start: () => api.post(`/inscriptions/${encodeURIComponent(draft.id)}/franceconnect`) }),
        or(),
      );
  return h("div", { class: "fr-container fr-my-6w" }, header(2), franceConnect, form);
}
