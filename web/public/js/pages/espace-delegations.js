// "Mes délégations": the délégations this holder has given (GET /titulaire/delegations), each pending
// or active one with "Mettre fin à la délégation" (DELETE, after a confirmation); the accounts others
// have delegated to this person (GET /titulaire/comptes-delegues), each a link to its page; and the
// form to give one (POST /titulaire/delegations, the password asked again: an invitation goes by
// email, a notice to the holder; `gestion` needs an identity verified with FranceConnect).

import { holder, Problem } from "../api.js";
import { alert, button, buttons, input, link, password, radios, table } from "../components.js";
import { date, dateTime, h, page } from "../dom.js";
import { dayAfter, delegationBadge, parisToday, sameDayNextYear, SCOPE_SENTENCES, SCOPES } from "../delegations.js";
import { onSubmit } from "../forms.js";
import { displayName } from "../session.js";

export const title = "Mes délégations";

const ENDABLE = ["en_attente", "active"];

function delegate(delegation) {
  if (delegation.delegataire) {
    return [
      displayName(delegation.delegataire),
      delegation.acceptee_le ? h("span", { class: "fr-hint-text" }, `a accepté le ${dateTime(delegation.acceptee_le)}`) : null,
    ];
  }
  if (delegation.statut === "courriel_invalide") {
    return [
      "Invitation non distribuée",
      h("span", { class: "fr-hint-text" }, "Le courriel d'invitation n'a pas pu être remis : vérifiez l'adresse, puis invitez de nouveau cette personne."),
    ];
  }
  return delegation.statut === "en_attente" ? "Invitation pas encore acceptée" : "Invitation non acceptée";
}

function ending(delegation) {
  if (delegation.revoquee_le) return [`${date(delegation.fin)} inclus`, h("span", { class: "fr-hint-text" }, `fin demandée le ${dateTime(delegation.revoquee_le)}`)];
  return `${date(delegation.fin)} inclus`;
}

// "Mettre fin": a confirmation below the table first, which says what ending it does.
function confirmation(delegation, { back, done }) {
  const who = delegation.delegataire ? displayName(delegation.delegataire) : delegation.courriel;
  const outcome = h("div", { role: "alert" });
  const confirm = button("Confirmer la fin de la délégation", { icon: "fr-icon-check-line" });
  const panel = h(
    "section",
    { class: "mcf-bloc fr-mt-3w", "aria-labelledby": "confirmer-fin" },
    h("h3", { class: "fr-h5", id: "confirmer-fin", tabindex: "-1" }, `Mettre fin à la délégation donnée à ${who} ?`),
    h(
      "p",
      {},
      delegation.statut === "active"
        ? `${who} perdra aussitôt l'accès à votre compte.`
        : `L'invitation envoyée à ${delegation.courriel} ne pourra plus être acceptée.`,
      " Pour lui redonner accès ensuite, il faudra lui envoyer une nouvelle invitation.",
    ),
    outcome,
    buttons(button("Annuler", { kind: "tertiary", icon: "fr-icon-close-line", onclick: back }), confirm),
  );
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      await holder.delete(`/titulaire/delegations/${encodeURIComponent(delegation.id)}`);
      await done(`La délégation donnée à ${who} a bien pris fin.`);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      confirm.disabled = false;
      outcome.replaceChildren(alert("error", error.detail));
    }
  });
  return panel;
}

function given(delegations, show) {
  const section = h(
    "section",
    { "aria-labelledby": "delegations-donnees" },
    h("h2", { class: "fr-h4", id: "delegations-donnees" }, "Les délégations que vous avez données"),
  );
  if (!delegations.length) {
    section.append(h("p", {}, "Vous n'avez donné aucune délégation."));
    return section;
  }
  const place = h("div");
  const rows = delegations.map((delegation) => {
    const end = ENDABLE.includes(delegation.statut)
      ? button(["Mettre fin à la délégation", h("span", { class: "fr-sr-only" }, ` donnée à ${delegation.courriel}`)], {
          kind: "secondary",
          size: "sm",
          onclick: (event) => {
            const opener = event.currentTarget;
            place.replaceChildren(
              confirmation(delegation, {
                back: () => {
                  place.replaceChildren();
                  opener.focus();
                },
                done: show,
              }),
            );
            place.querySelector("h3").focus();
          },
        })
      : "";
    return [delegation.courriel, SCOPES[delegation.portee], delegationBadge(delegation.statut), ending(delegation), delegate(delegation), end];
  });
  section.append(
    table("Les délégations que vous avez données, de la plus récente à la plus ancienne", ["Courriel", "Portée", "Statut", "Fin", "Délégataire", "Action"], rows, { multiline: true }),
    place,
  );
  return section;
}

function grantForm(show) {
  const today = parisToday();
  const form = h(
    "form",
    { "aria-labelledby": "donner-delegation" },
    h("h2", { class: "fr-h4", id: "donner-delegation" }, "Donner une délégation"),
    h(
      "p",
      {},
      "La personne reçoit une invitation par courriel. Elle l'accepte depuis son propre espace Mon Compte Formation, " +
        "ouvert avec cette même adresse courriel (elle peut s'inscrire avec cette adresse si elle n'a pas encore de compte). " +
        "L'invitation reste valable 15 jours.",
    ),
    h("p", { class: "fr-text--sm" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
    input({
      name: "courriel",
      label: "Adresse courriel de la personne",
      hint: "Format attendu : nom@domaine.fr",
      type: "email",
      autocomplete: "off",
      required: true,
    }),
    radios({
      name: "portee",
      legend: "Ce que cette personne pourra faire",
      required: true,
      inline: false,
      value: "consultation",
      options: [
        [
          "consultation",
          [
            "Consulter mon compte",
            h(
              "span",
              { class: "fr-hint-text" },
              "Voir vos heures, les mouvements de votre compte et vos dossiers de formation, sauf les dossiers confidentiels. Elle ne pourra rien modifier.",
            ),
          ],
        ],
        [
          "gestion",
          [
            "Consulter mon compte et préparer mes dossiers de formation",
            h(
              "span",
              { class: "fr-hint-text" },
              "En plus, créer pour vous des dossiers de formation, dont la validation restera entre vos mains. Elle ne pourra ni valider ni clore un dossier, ni modifier votre solde DIF ou vos informations personnelles. " +
                "Demande que votre identité ait été vérifiée avec FranceConnect.",
            ),
          ],
        ],
      ],
    }),
    input({
      name: "fin",
      label: "Fin de la délégation",
      hint: "Le dernier jour de la délégation, qui prend fin le soir même (heure de Paris) : au plus tard dans un an. Vous pourrez y mettre fin plus tôt à tout moment.",
      type: "date",
      value: sameDayNextYear(today),
      min: dayAfter(today),
      max: sameDayNextYear(today),
      class: "fr-input mcf-champ-court",
    }),
    password({
      name: "mot_de_passe",
      label: "Votre mot de passe",
      hint: "Pour vérifier que cette délégation vient bien de vous. Un message d'information sera aussi envoyé à votre adresse courriel.",
      autocomplete: "current-password",
    }),
    buttons(button("Envoyer l'invitation", { type: "submit", icon: "fr-icon-mail-line" })),
  );
  return onSubmit(form, async (values) => {
    const granted = await holder.post("/titulaire/delegations", values);
    await show(granted.detail, granted.courriel_envoye ? "success" : "warning");
  });
}

function received(accounts) {
  const section = h(
    "section",
    { "aria-labelledby": "comptes-delegues", class: "fr-mt-4w" },
    h("h2", { class: "fr-h4", id: "comptes-delegues" }, "Les comptes qui vous sont délégués"),
  );
  if (!accounts.length) {
    section.append(h("p", {}, "Aucun titulaire ne vous a confié l'accès à son compte."));
    return section;
  }
  section.append(
    h("p", {}, "Vous agissez pour ces titulaires, depuis votre propre espace, jusqu'à la date indiquée ou jusqu'à ce qu'ils y mettent fin."),
    h(
      "ul",
      { class: "fr-raw-list" },
      accounts.map((account) =>
        h(
          "li",
          { class: "fr-mb-2w" },
          link(`Compte de ${displayName(account)}`, `/espace/comptes-delegues/${encodeURIComponent(account.delegation_id)}`, {
            icon: "fr-icon-arrow-right-line",
          }),
          h("p", { class: "fr-text--sm fr-mb-0" }, `${displayName(account)} vous confie ${SCOPE_SENTENCES[account.portee]}, jusqu'au ${date(account.fin)} inclus.`),
        ),
      ),
    ),
  );
  return section;
}

export async function render() {
  const content = page(
    "Mes délégations",
    h(
      "p",
      { class: "fr-text--lead" },
      "Vous pouvez permettre à une autre personne, par exemple quelqu'un de votre employeur ou un conseiller en évolution " +
        "professionnelle, de consulter votre compte ou de préparer vos dossiers de formation. Vous pouvez y mettre fin à tout moment.",
    ),
  );
  const body = h("div");
  content.append(body);
  const show = async (message, type = "success") => {
    const [{ delegations }, { comptes }] = await Promise.all([
      holder.get("/titulaire/delegations"),
      holder.get("/titulaire/comptes-delegues"),
    ]);
    const notice = message ? alert(type, message, { role: "status" }) : null;
    body.replaceChildren(
      ...[notice, given(delegations, show), received(comptes), h("div", { class: "mcf-bloc fr-mt-6w" }, grantForm(show))].filter(Boolean),
    );
    if (notice) {
      notice.tabIndex = -1;
      notice.focus();
    }
  };
  await show(null);
  return content;
}
