import { initAll } from '/static/govuk/govuk-frontend.min.js'
import { SortableTable } from '/static/moj/moj-frontend.min.js'
initAll()
// Only the MOJ components that need a script (the sortable tables of the worklists): each
// table is a plain table without JavaScript, in the order the server chose.
for (const table of document.querySelectorAll('[data-module="moj-sortable-table"]')) {
  new SortableTable(table)
}
// The profile sheet's print button (no inline script: the Content-Security-Policy forbids it).
for (const button of document.querySelectorAll('.hw-print')) {
  button.addEventListener('click', () => window.print())
}

// "Now" and "An hour ago" beside a date and time: fill the boxes with the UK wall-clock time
// (the service records UK time whatever the device's own time zone is).
const ukParts = (moment) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).formatToParts(moment)
  return Object.fromEntries(parts.map(({ type, value }) => [type, value]))
}
for (const button of document.querySelectorAll('.hw-date-shortcut')) {
  button.addEventListener('click', () => {
    const group = document.getElementById(button.closest('.hw-date-shortcuts').dataset.for)
    const found = ukParts(new Date(Date.now() - Number(button.dataset.minutesAgo) * 60000))
    for (const input of group.querySelectorAll('input[data-part]')) {
      const value = found[input.dataset.part]
      input.value = input.dataset.part === 'day' || input.dataset.part === 'month' ? String(Number(value)) : value
    }
  })
}
