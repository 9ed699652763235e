// The partner-check form: a text filter over the other agencies (progressive enhancement).
// Without JavaScript the grouped list is the whole form; with it, typing narrows the list.
// A chosen agency always stays visible, and a live message says how many are shown.
const HIDDEN = 'govuk-!-display-none'

for (const area of document.querySelectorAll('[data-agency-filter]')) {
  const id = 'agency-filter'
  const group = document.createElement('div')
  group.className = 'govuk-form-group govuk-!-margin-bottom-4'
  group.innerHTML =
    `<label class="govuk-label" for="${id}">Filter the other agencies</label>` +
    `<div class="govuk-hint" id="${id}-hint">Type part of a name, like a school or a GP practice</div>` +
    `<input class="govuk-input govuk-!-width-two-thirds" id="${id}" type="search" autocomplete="off" spellcheck="false" aria-describedby="${id}-hint ${id}-status">` +
    `<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0" id="${id}-status" aria-live="polite"></p>`
  area.prepend(group)
  const input = group.querySelector('input')
  const status = group.querySelector(`#${id}-status`)
  const choices = [...area.querySelectorAll('[data-agency-choice]')]
  const apply = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean)
    let shown = 0
    for (const choice of choices) {
      const text = choice.textContent.toLowerCase()
      const checked = choice.querySelector('input').checked
      const match = checked || words.every((word) => text.includes(word))
      // GOV.UK's display rules outrank the hidden attribute: hide with its utility class.
      choice.classList.toggle(HIDDEN, !match)
      if (match) shown += 1
    }
    for (const section of area.querySelectorAll('[data-agency-group]')) {
      const visible = [...section.querySelectorAll('[data-agency-choice]')].some(
        (choice) => !choice.classList.contains(HIDDEN)
      )
      section.classList.toggle(HIDDEN, !visible)
    }
    status.textContent = words.length
      ? `${shown} of ${choices.length} agencies shown`
      : ''
  }
  input.addEventListener('input', apply)
  // Enter in the filter must not send the form.
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') event.preventDefault() })
}
