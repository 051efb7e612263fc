// What the four registration pages share: the stepper, the draft kept in sessionStorage, and
// "Annuler" (the draft is deleted on the server: DELETE /inscriptions/{id}).

import { api, Problem } from "./api.js";
import { button, REGISTRATION_STEPS, stepper } from "./components.js";
import { h } from "./dom.js";
import { registration } from "./session.js";

export const HEADING = "Inscription à Mon Compte Formation";

export function stepTitle(step) {
  return `${REGISTRATION_STEPS[step - 1]} (étape ${step} sur ${REGISTRATION_STEPS.length}) - Inscription`;
}

export function header(step) {
  return [h("h1", { tabindex: "-1" }, HEADING), stepper(step)];
}

// `navigate`: the page's (its render context's).
export function cancelButton(navigate) {
  return button("Annuler", {
    kind: "tertiary",
    icon: "fr-icon-close-line",
    onclick: async () => {
      const draft = registration.draft;
      registration.forget();
      if (draft?.id) {
        try {
          await api.delete(`/inscriptions/${encodeURIComponent(draft.id)}`);
        } catch (error) {
          if (!(error instanceof Problem)) throw error; // gone already: nothing left to cancel
        }
      }
      navigate("/", { message: { type: "info", text: "Votre inscription a été annulée." } });
    },
  });
}

// The draft of this tab's registration, as the API knows it; null when there is none any more.
export async function currentDraft() {
  const draft = registration.draft;
  if (!draft?.id) return null;
  try {
    return await api.get(`/inscriptions/${encodeURIComponent(draft.id)}`);
  } catch (error) {
    if (error instanceof Problem && error.status === 404) {
      registration.forget();
      return null;
    }
    throw error;
  }
}

export function restart(navigateTo) {
  return navigateTo("/inscription", {
    replace: true,
    message: {
      type: "warning",
      text: "Votre inscription a expiré ou n'a pas commencé : merci de valider à nouveau les Conditions Générales d'Utilisation.",
    },
  });
}

// Contract §10: an address that does not exist bounces, and the registration is released at once
// (the "inscription enregistrée" and "Je n'ai pas reçu le courriel" pages say so).
export const MISTYPED =
  "Une erreur dans votre adresse courriel ? Le courriel d'activation nous reviendra : votre inscription sera alors annulée " +
  "dans les minutes qui suivent, et vous pourrez vous inscrire de nouveau, avec le même numéro de sécurité sociale et la bonne adresse.";
