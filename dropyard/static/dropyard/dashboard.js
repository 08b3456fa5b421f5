/* Home-page charts, drawn from data the page embeds with json_script (no inline script: the
   pages run under a Content-Security-Policy). Each <canvas data-chart-source="ID"> reads the
   JSON of element ID: {labels, spent (decimal strings), orders (counts), currency}. The series
   names come translated from the canvas's data-label-paid / data-label-orders; numbers and dates
   are formatted in the page's language (<html lang>). */
(function () {
  "use strict";

  var LOCALE = document.documentElement.lang || undefined;

  function money(value, currency) {
    try {
      return new Intl.NumberFormat(LOCALE, { style: "currency", currency: currency }).format(value);
    } catch (e) {
      return value + " " + currency;
    }
  }

  function shortDay(iso) {
    // "2026-12-06" → "Dec 6" in the reader's language, without time-zone shifts.
    var parts = iso.split("-");
    var d = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return d.toLocaleDateString(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var styles = getComputedStyle(document.documentElement);
    var primary = styles.getPropertyValue("--bs-primary").trim() || "#0d6efd";
    var accent = styles.getPropertyValue("--bs-warning").trim() || "#f59f00";
    var chart = new window.Chart(canvas, {
      data: {
        labels: data.labels.map(shortDay),
        datasets: [
          {
            type: "bar",
            label: (canvas.dataset.labelPaid || "Paid") + " (" + data.currency + ")",
            data: data.spent.map(Number),
            backgroundColor: primary,
            borderRadius: 3,
            yAxisID: "money",
            order: 2,
          },
          {
            type: "line",
            label: canvas.dataset.labelOrders || "Orders paid",
            data: data.orders,
            borderColor: accent,
            backgroundColor: accent,
            pointRadius: 2,
            tension: 0.3,
            yAxisID: "orders",
            order: 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                if (ctx.dataset.yAxisID === "money") {
                  return " " + (canvas.dataset.labelPaid || "Paid") + ": " + money(ctx.parsed.y, data.currency);
                }
                return " " + ctx.dataset.label + ": " + ctx.parsed.y;
              },
            },
          },
        },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          money: {
            position: "left",
            beginAtZero: true,
            ticks: {
              callback: function (value) {
                return money(value, data.currency);
              },
            },
          },
          orders: {
            position: "right",
            beginAtZero: true,
            grid: { display: false },
            ticks: { precision: 0 },
          },
        },
      },
    });
    canvas.dataset.chartReady = "true";
    return chart;
  }

  function init() {
    document.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
