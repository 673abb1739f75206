// The "Currently missing" board keeps itself up to date while it is open: every few seconds it
// asks for its rows again (the same filters) and swaps them in, so a child reported elsewhere
// appears without a reload (the IOPC's finding, December 2025: new cases showed only on refresh).
// Rows not on the board when the reader last looked are marked "New" by the server.
// The idle limit still holds: after as long without a key, click or touch as a session may sit
// idle, the board stops asking (each request would keep the session alive) and says so.
const board = document.getElementById('board')
const status = document.getElementById('board-status')
// Announced to screen readers only when the board changes, never at every quiet refresh.
const announce = document.getElementById('board-announce')

function timeNow () {
  return new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

function say (text, withRefresh) {
  if (!status) return
  const refresh = status.querySelector('[data-testid="board-refresh"]')
  status.textContent = text + ' '
  if (refresh && withRefresh) status.append(refresh)
}

if (board) {
  const url = board.dataset.boardRows
  const every = Number(board.dataset.pollSeconds || 15) * 1000
  const idle = Number(board.dataset.idleSeconds || 1800) * 1000
  let lastActive = Date.now()
  let timer = null
  for (const name of ['keydown', 'pointerdown', 'touchstart', 'scroll']) {
    window.addEventListener(name, () => {
      lastActive = Date.now()
      if (timer === null) schedule()
    }, { passive: true })
  }

  function swap (html) {
    const fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('table')
    const current = board.querySelector('table')
    if (!fresh || !current) return
    // Keep the photographs already shown: each fetch of one is a view on the child's audit trail.
    const shown = new Map([...current.querySelectorAll('img.hw-thumb')].map(img => [img.getAttribute('src'), img]))
    for (const img of fresh.querySelectorAll('img.hw-thumb')) {
      const old = shown.get(img.getAttribute('src'))
      if (old) img.replaceWith(old)
    }
    // Keep open whatever "Why" the reader had opened.
    const open = new Set([...current.querySelectorAll('tr[data-episode] details[open]')].map(d => d.closest('tr').dataset.episode))
    for (const row of fresh.querySelectorAll('tr[data-episode]')) {
      if (open.has(row.dataset.episode)) row.querySelector('details')?.setAttribute('open', '')
    }
    current.replaceWith(document.adoptNode(fresh))
  }

  async function poll () {
    timer = null
    if (Date.now() - lastActive > idle) {
      say('Updates paused: nothing has been pressed for a while. Refresh to start again.', true)
      return
    }
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' }, redirect: 'manual' })
      if (response.status !== 200) {
        say('Updates stopped: you may have been signed out. Refresh the page.', true)
        return
      }
      const before = [...board.querySelectorAll('tr[data-episode]')].map(r => r.dataset.episode).join()
      swap(await response.text())
      const after = [...board.querySelectorAll('tr[data-episode]')].map(r => r.dataset.episode).join()
      const count = board.querySelectorAll('tr.hw-board__row--new').length
      if (announce && before !== after) {
        announce.textContent = board.querySelector('caption')?.textContent + (count ? `, ${count} new since you last looked` : '')
      }
      say(`Updated at ${timeNow()}, every ${every / 1000} seconds.` + (count ? ` ${count} new since you last looked.` : ''), true)
    } catch (error) {
      say(`Could not update at ${timeNow()}: trying again.`, true)
    }
    schedule()
  }

  function schedule () {
    timer = window.setTimeout(poll, every)
  }
  schedule()
}

const print = document.querySelector('[data-module="hw-print"]')
if (print) {
  print.hidden = false
  document.querySelector('.hw-print-sep')?.removeAttribute('hidden')
  print.addEventListener('click', () => window.print())
}
