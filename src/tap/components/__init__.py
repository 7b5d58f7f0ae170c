"""One component per AWS concern. Each takes keyword-only arguments, parents its children to
itself, and ends with `register_outputs`. `TapStack` wires them together."""
