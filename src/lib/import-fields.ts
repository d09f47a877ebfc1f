// What each kind of import reads from a spreadsheet: its fields (label as shown, whether required,
// the column headers it is found under when no mapping was saved). Client-safe: the /import page
// lists the fields and their labels, the server reads the rows with them.
export const IMPORT_KINDS = ['requests', 'partners', 'outreach', 'survivor-counts'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportField {
  key: string;
  label: string;
  required: boolean;
  /** Headers (compared without case, spaces or punctuation) this field is found under by default. */
  aliases: string[];
  /** One line on what goes in the column. */
  hint: string;
}

const f = (key: string, label: string, required: boolean, hint: string, aliases: string[] = []): ImportField => ({ key, label, required, hint, aliases });

export const IMPORT_FIELDS: Record<ImportKind, ImportField[]> = {
  requests: [
    f('externalId', 'External id', true, 'The request’s id in your spreadsheet: importing the file again finds it instead of adding it twice.', ['id', 'request id', 'reference', 'ref']),
    f('partner', 'Partner', true, 'The partner’s external id or its exact name in Beacon.', ['partner name', 'partner id', 'grantee', 'organisation', 'organization']),
    f('category', 'Category', true, 'Such as Detection K9 or Lab equipment.'),
    f('programArea', 'Program area', false, 'Optional; when given it must be the category’s program area.'),
    f('title', 'Title', false, 'Optional (3 to 200 characters); otherwise the category and partner.', ['purpose', 'description']),
    f('purpose', 'Purpose', false, 'Optional: what the money is for (3 to 4,000 characters).', ['what for', 'notes']),
    f('requested', 'Amount requested', true, 'Dollars, such as 24,050.', ['requested', 'amount', 'ask', 'requested amount']),
    f('created', 'Created date', true, 'The day the request came in, such as 2024-03-18.', ['created', 'date', 'received', 'submitted']),
    f('units', 'Units', false, 'Optional: K9s, devices, seats…', ['quantity']),
    f('vetting', 'Vetting date', false, 'Optional: when vetting began (otherwise the created date, for requests that went further).', ['vetting started', 'vetted']),
    f('approvedOn', 'Approved date', false, 'When it was approved, with the approved amount.', ['approved', 'approval date']),
    f('approved', 'Approved amount', false, 'Dollars.', ['amount approved']),
    f('disbursedOn', 'Disbursed date', false, 'When it was paid.', ['disbursed', 'paid', 'paid date', 'payment date']),
    f('disbursed', 'Disbursed amount', false, 'Dollars; empty pays the approved amount.', ['amount disbursed', 'paid amount']),
    f('reportedOn', 'Reported date', false, 'When the grantee’s report came in.', ['reported', 'report date']),
    f('declinedOn', 'Declined date', false, 'When it was declined.', ['declined']),
    f('withdrawnOn', 'Withdrawn date', false, 'When it was withdrawn.', ['withdrawn']),
    f('reason', 'Reason declined or withdrawn', false, 'Optional: why (3 to 2,000 characters); empty records that the file gave none.', ['reason', 'decline reason', 'withdrawal reason'])
  ],
  partners: [
    f('externalId', 'External id', true, 'The partner’s id in your spreadsheet.', ['id', 'partner id', 'reference']),
    f('name', 'Name', true, '2 to 200 characters.', ['partner', 'partner name', 'organisation', 'organization']),
    f('kind', 'Kind', true, 'Law enforcement agency, ICAC task force, ICAC affiliate, Forensic lab, Aftercare center or Education partner.', ['type', 'partner kind']),
    f('state', 'State', true, 'Two letters (CO) or the name (Colorado).', ['province', 'state or province', 'region']),
    f('city', 'City', false, 'Optional; an aftercare center’s city only, never a street address.'),
    f('vettingStatus', 'Vetting', false, 'Pending, vetted or suspended (empty: pending).', ['vetting status', 'status']),
    f('vettedUntil', 'Vetted until', false, 'The day the vetting runs out.', ['vetting expires', 'expires']),
    f('vettingNote', 'Vetting note', false, 'The evidence the vetting rests on.', ['evidence', 'note'])
  ],
  outreach: [
    f('externalId', 'External id', true, 'The event’s id in your spreadsheet.', ['id', 'event id', 'reference']),
    f('date', 'Date', true, 'The day it took place.', ['occurred on', 'event date', 'held on']),
    f('state', 'State', true, 'Two letters (CO) or the name (Colorado).', ['province', 'region']),
    f('format', 'Format', true, 'School assembly, parent workshop, webinar…', ['event format', 'type']),
    f('audience', 'Audience', true, 'Students, parents, educators…'),
    f('title', 'Title', false, 'Optional (3 to 200 characters).', ['name', 'event']),
    f('attendees', 'Attendees', true, 'People reached.', ['people', 'people reached', 'attendance']),
    f('professionals', 'Partner professionals', false, 'Professionals from partners among them.', ['professionals']),
    f('followUps', 'Follow-up requests', false, 'Requests for a follow-up.', ['follow ups', 'followups']),
    f('partner', 'Partner', false, 'Optional: the partner’s external id or exact name.')
  ],
  'survivor-counts': [
    f('center', 'Center', true, 'The aftercare center’s external id or exact name.', ['aftercare center', 'center name', 'partner']),
    f('month', 'Month', true, 'Such as 2026-10.', ['reporting month', 'period']),
    f('served', 'Survivors served', true, 'A count, never a name.', ['served']),
    f('newIntakes', 'New intakes', true, 'A count.', ['intakes']),
    f('bedNights', 'Bed nights', true, 'A count.', []),
    f('exitsToSafeHousing', 'Exits to safe housing', false, 'A count.', ['exits'])
  ]
};

export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  requests: 'Funding requests with stage history',
  partners: 'Partners',
  outreach: 'Outreach events',
  'survivor-counts': 'Survivor counts'
};

/** How a header is compared: no case, spaces, punctuation. */
export const headerKey = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The largest file the page takes; larger files go through `npm run import`. */
export const PAGE_IMPORT_MAX_BYTES = 400_000;
