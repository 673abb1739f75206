import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
// The profile sheet's print button (no inline script: the Content-Security-Policy forbids it).
for (const button of document.querySelectorAll('.hw-print')) {
  button.addEventListener('click', () => window.print())
}
