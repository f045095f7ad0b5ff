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

  const signature = () => {
    const form = document.querySelector("[data-testid=stSidebar] [data-testid=stForm]");
    if (!form) return null;
    const inputs = [...form.querySelectorAll("input, textarea")].map((el) =>
      el.type === "checkbox" ? String(el.checked) : el.value,
    );
    return form.textContent + "\u0000" + inputs.join("\u0000");
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
      maxWidth: "26rem", padding: "0.6rem 0.9rem", borderRadius: "0.5rem",
      background: "#fff4e5", color: "#663c00", border: "1px solid #ffb74d",
      font: "500 0.9rem/1.35 sans-serif", boxShadow: "0 2px 8px rgba(0,0,0,0.15)",
    });
    document.body.appendChild(banner);
  };

  let baseline = null;
  const tick = () => {
    if (running()) return;
    const now = signature();
    if (now === null) return;
    if (baseline === null) baseline = now;
    show(now !== baseline);
  };
  window.__planStaleWatch = { token, timer: setInterval(tick, 500) };
})();
