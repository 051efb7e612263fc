// "Contrôle de sécurité": the characters as an image (a data: URI from POST /captchas), their audio
// version (GET <audio> with Accept: audio/wav, played from a blob: URL) and "renouveler les
// caractères". Both alternatives are buttons with their own text, reachable with the keyboard, as
// RGAA criterion 1.5 asks of a CAPTCHA.

import { api, Problem } from "./api.js";
import { alert, button, input } from "./components.js";
import { h } from "./dom.js";

export function securityCheck() {
  let captcha = null;
  let audioUrl = null;
  const image = h("img", {
    class: "mcf-captcha-image",
    alt: "Caractères à recopier pour le contrôle de sécurité (version sonore disponible ci-dessous)",
    width: "160",
    height: "60",
  });
  const player = h("audio", { controls: true, hidden: true, "aria-label": "Version sonore du contrôle de sécurité" });
  const status = h("div", { class: "mcf-captcha-etat", role: "status" });
  const answer = input({
    name: "captcha_reponse",
    label: "Caractères affichés",
    required: true,
    hint: "Majuscules ou minuscules, sans distinction.",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
  });

  function forgetAudio() {
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = null;
    player.removeAttribute("src");
    player.hidden = true;
  }

  async function renew() {
    forgetAudio();
    captcha = await api.post("/captchas");
    image.src = captcha.image;
    answer.querySelector("input").value = "";
  }

  async function listen() {
    status.replaceChildren();
    try {
      if (!audioUrl) {
        const sound = await api.get(captcha.audio, { accept: "audio/wav" });
        audioUrl = URL.createObjectURL(sound);
        player.src = audioUrl;
      }
      player.hidden = false;
      await player.play();
    } catch (error) {
      if (error instanceof Problem) status.replaceChildren(alert("error", error.detail));
      // Otherwise the browser would not play on its own: the player's controls are there to do it.
    }
  }

  async function renewClicked() {
    status.replaceChildren();
    try {
      await renew();
      status.replaceChildren(h("p", { class: "fr-sr-only" }, "De nouveaux caractères sont affichés."));
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      status.replaceChildren(alert("error", error.detail));
    }
  }

  const element = h(
    "fieldset",
    { class: "fr-fieldset mcf-captcha", "aria-labelledby": "captcha-legende" },
    h("legend", { class: "fr-fieldset__legend", id: "captcha-legende" }, "Contrôle de sécurité"),
    h(
      "div",
      { class: "fr-fieldset__element" },
      h(
        "p",
        {},
        "Merci de saisir les caractères affichés dans le cadre ci-dessous. Cette étape nous permet d'empêcher les inscriptions automatisées. ",
        "Les caractères peuvent être saisis en majuscule ou en minuscule, sans distinction de la casse.",
      ),
      h("div", { class: "mcf-captcha-cadre" }, image),
      h("p", { class: "fr-mb-1w" }, "Si vous n'arrivez pas à lire les caractères :"),
      h(
        "ul",
        { class: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left" },
        h("li", {}, button("Renouveler les caractères", { kind: "secondary", icon: "fr-icon-refresh-line", onclick: renewClicked })),
        h("li", {}, button("Écouter la version sonore", { kind: "secondary", icon: "fr-icon-volume-up-line", onclick: listen })),
      ),
      player,
      status,
      answer,
    ),
  );

  return { element, renew, id: () => captcha?.id };
}
