/*
 * Signing with NCALayer: the signing widget of templates/signatures/_signing.html.
 *
 * 1. GET data-payload-url            -> {"payload": base64, "sha256": hex}: the exact bytes to sign;
 * 2. NCALayer signs them (CMS, data attached) with the key the user picks (ncalayer-js-client);
 * 3. POST data-inspect-url {"cms"}   -> the certificate's owner and the portal's verdict, shown
 *                                       before anything is submitted;
 * 4. with data-submit-url, "Confirm" POSTs {"cms", ...fields of data-form} to the action and goes
 *    to data-success-url (or reloads).
 * When NCALayer does not answer, the widget explains how to start it.
 * Every text comes from the template (translated): [data-msg="…"] elements.
 */
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function call(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin", headers: {} }, options));
    let body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : response.status + " " + response.statusText;
      const failure = new Error(message);
      failure.code = body && body.error ? body.error.code : "http_" + response.status;
      throw failure;
    }
    return body;
  }

  function post(url, body) {
    return call(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body),
    });
  }

  function formFields(selector) {
    const form = selector ? document.querySelector(selector) : null;
    const fields = {};
    if (!form) return fields;
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (Object.prototype.hasOwnProperty.call(fields, name)) {
        fields[name] = [].concat(fields[name], value);
      } else {
        fields[name] = value;
      }
    });
    return fields;
  }

  class SigningWidget {
    constructor(root) {
      this.root = root;
      this.status = root.querySelector("[data-signing-status]");
      this.owner = root.querySelector("[data-signing-owner]");
      this.startButton = root.querySelector("[data-signing-start]");
      this.confirmButton = root.querySelector("[data-signing-confirm]");
      this.cms = null;
      this.startButton.addEventListener("click", () => this.start());
      if (this.confirmButton) this.confirmButton.addEventListener("click", () => this.confirm());
    }

    text(key) {
      const element = this.root.querySelector('[data-msg="' + key + '"]');
      return element ? element.textContent.trim() : key;
    }

    show(kind, message, detail) {
      this.status.className = "alert alert-" + kind + " mt-3 mb-0";
      this.status.hidden = false;
      this.status.textContent = message;
      if (detail) {
        const small = document.createElement("div");
        small.className = "small mt-1";
        small.textContent = detail;
        this.status.appendChild(small);
      }
      this.root.dataset.state = kind;
    }

    showOwner(certificate) {
      this.owner.hidden = !certificate;
      if (!certificate) return;
      const values = {
        name: certificate.common_name, organisation: certificate.organisation || "—", iin: certificate.iin || "—",
        bin: certificate.bin || "—", serial: certificate.serial, issuer: certificate.issuer,
        validity: certificate.not_before.slice(0, 10) + " — " + certificate.not_after.slice(0, 10),
      };
      Object.keys(values).forEach((key) => {
        const cell = this.owner.querySelector('[data-owner="' + key + '"]');
        if (cell) cell.textContent = values[key];
      });
    }

    busy(on) {
      this.startButton.disabled = on;
      if (this.confirmButton) this.confirmButton.disabled = on || !this.cms;
    }

    async start() {
      this.cms = null;
      this.showOwner(null);
      if (this.confirmButton) this.confirmButton.hidden = true;
      this.busy(true);
      try {
        this.show("info", this.text("fetching"));
        const issued = await call(this.root.dataset.payloadUrl, { headers: { "Accept": "application/json" } });
        const client = new window.NCALayerClient(this.root.dataset.ncalayerUrl, false);
        try {
          await client.connect();
        } catch (error) {
          this.show("warning", this.text("ncalayer-missing"), this.text("ncalayer-start"));
          this.root.dataset.state = "ncalayer-missing";
          return;
        }
        this.show("info", this.text("choose-key"));
        let cms;
        try {
          cms = await client.basicsSignCMS(window.NCALayerClient.basicsStorageAll, issued.payload,
            window.NCALayerClient.basicsCMSParamsAttached, window.NCALayerClient.basicsSignerSignAny,
            this.root.dataset.locale || "ru");
        } catch (error) {
          if (error.canceledByUser) {
            this.show("secondary", this.text("cancelled"));
          } else {
            this.show("danger", this.text("ncalayer-error"), String(error.message || error));
          }
          return;
        }
        this.show("info", this.text("checking"));
        const inspection = await post(this.root.dataset.inspectUrl, { cms: cms });
        this.showOwner(inspection.certificate);
        if (!inspection.accepted) {
          this.show("danger", this.text("refused"), inspection.refusal.message);
          this.root.dataset.refusal = inspection.refusal.code;
          return;
        }
        this.cms = cms;
        if (this.root.dataset.submitUrl && this.confirmButton) {
          this.confirmButton.hidden = false;
          this.show("success", this.text("ready"));
        } else {
          this.show("success", this.text("accepted"));
        }
      } catch (error) {
        this.show("danger", String(error.message || error));
      } finally {
        this.busy(false);
      }
    }

    async confirm() {
      if (!this.cms) return;
      this.busy(true);
      try {
        const body = Object.assign(formFields(this.root.dataset.form), { cms: this.cms });
        await post(this.root.dataset.submitUrl, body);
        this.show("success", this.text("signed"));
        this.cms = null;
        if (this.root.dataset.successUrl) {
          window.location.assign(this.root.dataset.successUrl);
        } else {
          window.location.reload();
        }
      } catch (error) {
        this.show("danger", String(error.message || error));
      } finally {
        this.busy(false);
      }
    }
  }

  function init() {
    document.querySelectorAll("[data-signing]").forEach(function (root) {
      if (!root.signingWidget) root.signingWidget = new SigningWidget(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
