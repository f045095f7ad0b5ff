// Marks the plan on screen as stale while the sidebar form holds changes not yet submitted.
// Streamlit keeps a form's pending values in the browser only, so the server cannot know; this
// compares the form's visible state with the one it had after the last run, twice a second.
// TOKEN changes with every submitted state, so each new state re-runs this script and is the
// new baseline.
(() => {
  const token = "__TOKEN__";
  const bannerId = "plan-stale-banner";
  const previous = window.__planStaleWatch;
  if (previous) clearInterval(previous.timer);
  document.getElementById(bannerId)?.remove();

  // What each keyed widget holds (Streamlit marks a keyed widget's container with a class
  // "st-key-" and the key), not the form's text: captions and "Press Enter" hints come and go.
  const widgetValues = () => {
    const form = document.querySelector("[data-testid=stSidebar] [data-testid=stForm]");
    const values = new Map();
    if (!form) return values;
    for (const box of form.querySelectorAll("[class*='st-key-']")) {
      const key = [...box.classList].find((name) => name.startsWith("st-key-"));
      const parts = [
        ...[...box.querySelectorAll("input, textarea")].map((el) =>
          el.type === "checkbox" ? String(el.checked) : el.value,
        ),
        ...[...box.querySelectorAll("[role=slider]")].map((el) => el.getAttribute("aria-valuenow")),
        ...[...box.querySelectorAll("[data-baseweb=select]")].map((el) => el.textContent),
      ];
      values.set(key, parts.join("\u0000"));
    }
    return values;
  };
  const running = () =>
    document.querySelector("[data-testid=stApp]")?.getAttribute("data-test-script-state") ===
    "running";
  const show = (stale) => {
    let banner = document.getElementById(bannerId);
    if (!stale) {
      banner?.remove();
      return;
    }
    if (banner) return;
    banner = document.createElement("div");
    banner.id = bannerId;
    banner.setAttribute("role", "status");
    banner.textContent =
      "Settings changed: the plan shown was made before them. Press \u201cUpdate plan\u201d to re-plan.";
    Object.assign(banner.style, {
      position: "fixed", top: "3.75rem", right: "1rem", zIndex: "1000001",
      maxWidth: "min(26rem, calc(100vw - 2rem))", padding: "0.6rem 0.9rem", borderRadius: "0.5rem",
      background: "#fff4e5", color: "#663c00", border: "1px solid #ffb74d",
      font: "500 0.9rem/1.35 sans-serif", boxShadow: "0 2px 8px rgba(0,0,0,0.15)",
    });
    document.body.appendChild(banner);
  };

  // A widget's baseline is the first value it holds for three checks in a row after the run:
  // widgets mount a moment after the script finishes (those in a closed expander only when it
  // opens), some with a placeholder value first.
  const baseline = new Map();
  const seen = new Map();
  const tick = () => {
    if (running()) return;
    let stale = false;
    for (const [key, value] of widgetValues()) {
      if (baseline.has(key)) {
        stale ||= baseline.get(key) !== value;
        continue;
      }
      const last = seen.get(key);
      const steady = last && last.value === value ? last.steady + 1 : 0;
      seen.set(key, { value, steady });
      if (steady >= 2) baseline.set(key, value);
    }
    show(stale);
  };
  window.__planStaleWatch = { token, timer: setInterval(tick, 500) };
})();
