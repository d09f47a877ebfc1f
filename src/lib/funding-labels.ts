// Client-safe names for what a funding request gives in kind (the in-kind line items), with the
// words the forms, the pipeline and the impact tiles use for them.

export const IN_KIND_ITEMS = ['detection_k9', 'forensic_device', 'extraction_license', 'training_seat', 'lab_equipment'] as const;
export type InKindItem = (typeof IN_KIND_ITEMS)[number];

export const IN_KIND_LABEL: Readonly<Record<InKindItem, { one: string; many: string }>> = {
  detection_k9: { one: 'detection K9', many: 'detection K9s' },
  forensic_device: { one: 'forensic device', many: 'forensic devices' },
  extraction_license: { one: 'extraction license', many: 'extraction licenses' },
  training_seat: { one: 'training seat', many: 'training seats' },
  lab_equipment: { one: 'piece of lab equipment', many: 'pieces of lab equipment' }
};

/** "3 detection K9s", "1 training seat". */
export function unitsOf(item: InKindItem, units: number): string {
  const l = IN_KIND_LABEL[item];
  return `${units.toLocaleString('en-US')} ${units === 1 ? l.one : l.many}`;
}
