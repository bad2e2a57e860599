/** Field with label, optional help and an error slot wired by aria-describedby. */
export function Field(p: {
  id: string;
  label: string;
  help?: string;
  type?: string;
  required?: boolean;
  autocomplete?: string;
  value?: string;
  placeholder?: string;
}) {
  const describedBy = [p.help ? `${p.id}-help` : '', `${p.id}-error`].filter(Boolean).join(' ');
  return (
    <div>
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        name={p.id}
        type={p.type ?? 'text'}
        required={p.required}
        autocomplete={p.autocomplete ?? 'off'}
        value={p.value}
        placeholder={p.placeholder}
        aria-describedby={describedBy}
      />
      {p.help ? (
        <p class="help" id={`${p.id}-help`}>
          {p.help}
        </p>
      ) : null}
      <p class="error" id={`${p.id}-error`} data-error-for={p.id} />
    </div>
  );
}
