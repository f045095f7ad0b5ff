// Marks the plan on screen as stale while the sidebar form holds changes not yet submitted.
// Streamlit keeps a form's pending values in the browser only, so the server cannot know; this
// compares, twice a second, what each widget the athlete touched shows with what it showed
// before the touch.
// TOKEN changes with every submitted state, so each new state re-runs this script and is the
// new baseline.
(() => {
  const token = "__TOKEN__";
  const bannerId = "plan-stale-banner";
  const previous = window.__planStaleWatch;
  if (previous) {
    clearInterval(previous.timer);
    previous.stop?.();
  }
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

  // Only a widget the athlete touched can be stale: widgets mount a moment after the script
  // finishes (those in a closed expander only when it opens), some first with a placeholder
  // (a number input's minimum) for as long as a busy page takes, and a season link fills them
  // from the store. Until a widget is touched its baseline follows what it shows; from the
  // first touch (pointer, key or input inside it) its baseline is the value it held before.
  const baseline = new Map();
  const touched = new Set();
  const keyOf = (element) => {
    const box = element instanceof Element ? element.closest("[class*='st-key-']") : null;
    return box ? [...box.classList].find((name) => name.startsWith("st-key-")) : null;
  };
  const touch = (event) => {
    const key = keyOf(event.target);
    if (key && !touched.has(key)) touched.add(key);
  };
  const form = () => document.querySelector("[data-testid=stSidebar] [data-testid=stForm]");
  const events = ["pointerdown", "keydown", "input", "change"];
  let watched = null;
  const listen = () => {
    const current = form();
    if (current === watched) return;
    for (const name of events) {
      watched?.removeEventListener(name, touch, true);
      current?.addEventListener(name, touch, true);
    }
    watched = current;
  };
  const tick = () => {
    listen();
    if (running()) return;
    let stale = false;
    for (const [key, value] of widgetValues()) {
      if (!touched.has(key) || !baseline.has(key)) {
        baseline.set(key, value);
        continue;
      }
      stale ||= baseline.get(key) !== value;
    }
    show(stale);
  };
  const stop = () => {
    for (const name of events) watched?.removeEventListener(name, touch, true);
  };
  window.__planStaleWatch = { token, stop, timer: setInterval(tick, 500) };
})();
