// The call-quality report's charts: the groups side by side (bars) and the trend per day (lines).
// Data come from the page's <script type="application/json" id="report-chart-data">; without Chart.js
// (scripts/_vendor.sh did not install it) the page keeps its tables and draws nothing.
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var animation = { duration: 0 }; // printed as drawn

  new window.Chart(document.getElementById("chart-groups"), {
    type: "bar",
    data: {
      labels: data.groups.labels,
      datasets: [
        { label: "Offered 呼入", data: data.groups.offered },
        { label: "Answered 接通", data: data.groups.answered }
      ]
    },
    options: { animation: animation, responsive: true }
  });

  new window.Chart(document.getElementById("chart-daily"), {
    type: "line",
    data: {
      labels: data.daily.labels,
      datasets: [
        { label: "Offered 呼入", data: data.daily.offered, yAxisID: "calls" },
        { label: "Answered 接通", data: data.daily.answered, yAxisID: "calls" },
        {
          label: "Service level 服务水平",
          data: data.daily.service_level.map(function (v) { return v === null ? null : v * 100; }),
          yAxisID: "percent"
        }
      ]
    },
    options: {
      animation: animation,
      responsive: true,
      scales: {
        calls: { position: "left", beginAtZero: true },
        percent: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
      }
    }
  });
})();
