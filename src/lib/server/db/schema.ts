// The one description of the migrated schema: a runtime spec (checked against the live catalog by
// tests/integration/schema.test.ts) from which the Kysely `Database` types are derived.
import type { ColumnType } from 'kysely';

export const enums = {
  country_code: ['US', 'CA'],
  partner_kind: ['law_enforcement_agency', 'icac_task_force', 'icac_affiliate', 'forensic_lab', 'aftercare_center', 'education_partner'],
  vetting_status: ['pending', 'vetted', 'suspended'],
  funding_category: [
    'forensic_hardware', 'extraction_software', 'detection_k9', 'training_scholarship', 'lab_equipment', 'lab_facility',
    'aftercare_equipment', 'aftercare_facility', 'survivor_basic_needs', 'outreach_program'
  ],
  funding_stage: ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'],
  program_area: ['law_enforcement', 'forensic_labs', 'aftercare', 'education'],
  need_kind: ['equipment', 'building', 'basic_needs'],
  basic_need_type: [
    'housing', 'food', 'clothing', 'hygiene', 'transportation', 'medical', 'mental_health', 'legal', 'education',
    'childcare', 'employment'
  ],
  need_priority: ['critical', 'high', 'normal', 'low'],
  need_status: ['open', 'in_progress', 'pledged', 'fulfilled', 'cancelled'],
  outreach_format: [
    'school_assembly', 'parent_workshop', 'professional_training', 'law_enforcement_training', 'community_event',
    'webinar', 'conference', 'media'
  ],
  outreach_audience: ['students', 'parents', 'educators', 'professionals', 'law_enforcement', 'faith_community', 'general_public'],
  user_role: ['admin', 'leadership', 'coordinator', 'board']
} as const;

export type EnumName = keyof typeof enums;
export type EnumValue<E extends EnumName> = (typeof enums)[E][number];
export type CountryCode = EnumValue<'country_code'>;
export type PartnerKind = EnumValue<'partner_kind'>;
export type VettingStatus = EnumValue<'vetting_status'>;
export type FundingCategory = EnumValue<'funding_category'>;
export type FundingStage = EnumValue<'funding_stage'>;
export type ProgramArea = EnumValue<'program_area'>;
export type NeedKind = EnumValue<'need_kind'>;
export type BasicNeedType = EnumValue<'basic_need_type'>;
export type NeedPriority = EnumValue<'need_priority'>;
export type NeedStatus = EnumValue<'need_status'>;
export type OutreachFormat = EnumValue<'outreach_format'>;
export type OutreachAudience = EnumValue<'outreach_audience'>;
export type UserRole = EnumValue<'user_role'>;

/** Postgres type names as the catalog reports them (`format_type`, without modifiers). */
type PgScalar = 'bigint' | 'integer' | 'smallint' | 'text' | 'character' | 'boolean' | 'timestamp with time zone' | 'date' | 'jsonb' | 'numeric' | 'bytea' | 'double precision';
type PgType = PgScalar | EnumName;

interface ColumnSpec {
  type: PgType;
  nullable: boolean;
  /** Filled in by the database (identity, default or trigger): optional on insert. */
  generated: boolean;
}

const c = <T extends PgType>(type: T) => ({ type, nullable: false, generated: false }) as const;
const n = <T extends PgType>(type: T) => ({ type, nullable: true, generated: false }) as const;
const g = <T extends PgType>(type: T) => ({ type, nullable: false, generated: true }) as const;
const gn = <T extends PgType>(type: T) => ({ type, nullable: true, generated: true }) as const;

export const tables = {
  division: { code: c('text'), name: c('text'), country: c('country_code') },
  region: { code: c('character'), name: c('text'), country: c('country_code'), division_code: c('text') },
  app_user: {
    id: c('text'), email: c('text'), display_name: c('text'), role: c('user_role'), password_hash: n('text'),
    active: g('boolean'), created_at: g('timestamp with time zone')
  },
  user_region: { id: g('bigint'), user_id: c('text'), division_code: n('text'), state: n('character') },
  user_session: {
    id: c('text'), user_id: c('text'), expires_at: c('timestamp with time zone'), created_at: g('timestamp with time zone'),
    last_active_at: g('timestamp with time zone'), absolute_expires_at: c('timestamp with time zone'),
    user_agent: n('text'), address: n('text')
  },
  password_reset: {
    id: g('bigint'), token_hash: c('text'), user_id: c('text'), created_by: n('text'), created_at: g('timestamp with time zone'),
    expires_at: c('timestamp with time zone'), used_at: n('timestamp with time zone'), revoked_at: n('timestamp with time zone')
  },
  user_totp: {
    user_id: c('text'), secret: c('bytea'), created_at: g('timestamp with time zone'), confirmed_at: n('timestamp with time zone'),
    last_step: n('bigint')
  },
  user_recovery_code: { id: g('bigint'), user_id: c('text'), code_hash: c('text'), used_at: n('timestamp with time zone') },
  sign_in_challenge: {
    token_hash: c('text'), user_id: c('text'), created_at: g('timestamp with time zone'), expires_at: c('timestamp with time zone')
  },
  user_invitation: {
    id: g('bigint'), token_hash: c('text'), user_id: c('text'), invited_by: n('text'), created_at: g('timestamp with time zone'),
    expires_at: c('timestamp with time zone'), used_at: n('timestamp with time zone'), revoked_at: n('timestamp with time zone')
  },
  partner: {
    id: g('bigint'), name: c('text'), kind: c('partner_kind'), vetting_status: g('vetting_status'), state: c('character'),
    vetted_at: gn('timestamp with time zone'), created_at: g('timestamp with time zone'), updated_at: g('timestamp with time zone'),
    city: n('text'), vetted_until: gn('date'), vetting_note: n('text'), external_id: n('text')
  },
  funding_request: {
    id: g('bigint'), partner_id: c('bigint'), state: g('character'), title: c('text'), category: c('funding_category'),
    fiscal_year: c('smallint'), stage: g('funding_stage'), requested_cents: c('bigint'), approved_cents: g('bigint'),
    disbursed_cents: g('bigint'), units: n('integer'), stage_entered_at: g('timestamp with time zone'),
    created_at: g('timestamp with time zone'), updated_at: g('timestamp with time zone'), version: g('integer'),
    purpose: n('text'), report_due_on: n('date'), external_id: n('text')
  },
  funding_in_kind_line: {
    id: g('bigint'), request_id: c('bigint'), item: c('text'), units: c('integer'), unit_cost_cents: c('bigint'),
    delivered_on: n('date'), delivery_note: n('text'), delivered_by: n('text'), created_at: g('timestamp with time zone')
  },
  funding_request_need: { request_id: c('bigint'), need_id: c('bigint') },
  funding_stage_event: {
    id: g('bigint'), request_id: c('bigint'), from_stage: n('funding_stage'), to_stage: c('funding_stage'),
    amount_cents: gn('bigint'), actor_id: gn('text'), occurred_at: g('timestamp with time zone'),
    category: g('funding_category'), state: g('character'), fiscal_year: g('smallint'), seconds_in_from_stage: gn('bigint'),
    reason: n('text'), kind: g('text'), corrects_event_id: n('bigint'), corrected_to_cents: n('bigint'), reference: n('text'),
    recorded_at: g('timestamp with time zone')
  },
  budget: {
    id: g('bigint'), fiscal_year: c('smallint'), program_area: c('program_area'), donor_restriction: n('text'),
    amount_cents: c('bigint'), created_at: g('timestamp with time zone'), updated_at: g('timestamp with time zone')
  },
  aftercare_need: {
    id: g('bigint'), center_id: c('bigint'), state: g('character'), title: c('text'), kind: c('need_kind'),
    basic_need_type: n('basic_need_type'), quantity: g('integer'), estimated_cost_cents: g('bigint'),
    priority: g('need_priority'), status: g('need_status'), needed_by: n('date'), version: g('integer'),
    created_by: n('text'), created_at: g('timestamp with time zone'), updated_at: g('timestamp with time zone'),
    closed_at: gn('timestamp with time zone'), pledged_by: n('text'), pledged_cents: n('bigint'), pledge_expected_on: n('date'),
    fulfilled_quantity: g('integer'), assigned_to: n('text')
  },
  need_comment: {
    id: g('bigint'), need_id: c('bigint'), author_id: c('text'), body: c('text'), created_at: g('timestamp with time zone'),
    state: g('character'), mentions: g('jsonb')
  },
  funding_comment: {
    id: g('bigint'), request_id: c('bigint'), author_id: c('text'), body: c('text'), created_at: g('timestamp with time zone'),
    state: g('character'), mentions: g('jsonb')
  },
  survivor_count: {
    id: g('bigint'), center_id: c('bigint'), state: g('character'), month: c('date'), served: c('integer'),
    new_intakes: c('integer'), bed_nights: c('integer'), reported_at: g('timestamp with time zone'),
    exits_to_safe_housing: n('integer')
  },
  outreach_event: {
    id: g('bigint'), occurred_on: c('date'), state: c('character'), format: c('outreach_format'),
    audience: c('outreach_audience'), title: n('text'), attendees: c('integer'), partner_professionals: g('integer'),
    follow_up_requests: g('integer'), partner_id: n('bigint'), version: g('integer'), created_by: n('text'),
    created_at: g('timestamp with time zone'), updated_at: g('timestamp with time zone'), external_id: n('text')
  },
  outreach_goal: {
    id: g('bigint'), division_code: c('text'), period_start: c('date'), period_end: c('date'), people_goal: c('integer'),
    events_goal: n('integer')
  },
  annotation: {
    id: g('bigint'), day: c('date'), note: c('text'), division_code: n('text'), state: n('character'), created_by: c('text'),
    created_at: g('timestamp with time zone'), deleted_at: n('timestamp with time zone'), deleted_by: n('text')
  },
  audit_log: {
    id: g('bigint'), actor_id: n('text'), at: g('timestamp with time zone'), action: c('text'), entity: c('text'),
    entity_id: n('text'), before: n('jsonb'), after: n('jsonb'), state: n('character')
  },
  change_log: {
    seq: g('bigint'), topic: c('text'), entity: c('text'), entity_id: c('bigint'), op: c('character'), state: n('character'),
    at: g('timestamp with time zone')
  },
  change_log_horizon: { id: g('boolean'), pruned_through: g('bigint') },
  snapshot_schedule: {
    id: g('bigint'), title: c('text'), frequency: c('text'), filters: g('jsonb'), next_run_at: c('timestamp with time zone'),
    last_run_at: n('timestamp with time zone'), created_by: n('text'), created_at: g('timestamp with time zone'),
    updated_at: g('timestamp with time zone')
  },
  snapshot: {
    id: g('bigint'), title: c('text'), notes: g('text'), period_kind: c('text'), period_label: c('text'), period_from: c('date'),
    period_to: c('date'), filters: g('jsonb'), author_id: n('text'), schedule_id: n('bigint'),
    scheduled_for: n('timestamp with time zone'), created_at: g('timestamp with time zone'), seq: c('bigint'), data: c('jsonb'),
    sha256: c('text')
  },
  snapshot_schedule_subscriber: { schedule_id: c('bigint'), user_id: c('text'), created_at: g('timestamp with time zone') },
  snapshot_mailing: {
    snapshot_id: c('bigint'), claimed_at: g('timestamp with time zone'), outcome: g('text'), recipients: g('integer'),
    finished_at: n('timestamp with time zone'), error: n('text')
  },
  snapshot_share_link: {
    id: g('bigint'), snapshot_id: c('bigint'), token_hash: c('text'), created_by: n('text'), created_at: g('timestamp with time zone'),
    expires_at: c('timestamp with time zone'), revoked_at: n('timestamp with time zone'), view_count: g('bigint'),
    last_viewed_at: n('timestamp with time zone')
  },
  disclosure_key: { id: g('boolean'), key: c('bytea'), created_at: g('timestamp with time zone') },
  socket_io_attachments: { id: g('bigint'), created_at: g('timestamp with time zone'), payload: c('bytea') },
  sign_in_throttle: { key: c('text'), level: c('double precision'), updated_at: g('timestamp with time zone') },
  known_device: {
    token_hash: c('text'), user_id: c('text'), created_at: g('timestamp with time zone'), last_used_at: g('timestamp with time zone')
  },
  notification: {
    id: g('bigint'), user_id: c('text'), kind: c('text'), subject_type: c('text'), subject_id: c('text'), link: c('text'),
    text: c('text'), actor_id: n('text'), created_at: g('timestamp with time zone'), read_at: n('timestamp with time zone'),
    mailed_at: n('timestamp with time zone')
  },
  notification_setting: { user_id: c('text'), mail: g('text'), updated_at: g('timestamp with time zone') },
  notification_digest: {
    user_id: c('text'), day: c('date'), claimed_at: g('timestamp with time zone'), sent_at: n('timestamp with time zone'),
    notification_count: g('integer')
  },
  kiosk_link: {
    id: g('bigint'), label: c('text'), token_hash: c('text'), dashboards: c('jsonb'), rotate_seconds: c('integer'), created_by: n('text'),
    created_at: g('timestamp with time zone'), revoked_at: n('timestamp with time zone'), revoked_by: n('text'),
    last_seen_at: n('timestamp with time zone')
  },
  period_approval: {
    id: g('bigint'), division_code: c('text'), month: c('date'), locked: g('boolean'), approved_by: n('text'),
    approved_at: g('timestamp with time zone'), reopened_by: n('text'), reopened_at: n('timestamp with time zone'),
    reopen_reason: n('text'), updated_at: g('timestamp with time zone')
  },
  alert_rule: {
    id: g('bigint'), kind: c('text'), threshold_percent: n('numeric'), threshold_days: n('integer'), division_code: n('text'),
    program_area: n('program_area'), enabled: g('boolean'), created_by: n('text'), created_at: g('timestamp with time zone'),
    updated_at: g('timestamp with time zone')
  },
  alert: {
    id: g('bigint'), rule_id: c('bigint'), condition_key: c('text'), subject_id: n('bigint'), state: n('character'),
    division_code: n('text'), message: c('text'), link: c('text'), details: g('jsonb'), opened_at: g('timestamp with time zone'),
    resolved_at: n('timestamp with time zone')
  },
  import_mapping: { kind: c('text'), columns: c('jsonb'), updated_by: n('text'), updated_at: g('timestamp with time zone') },
  rollup_pipeline: {
    fiscal_year: c('smallint'), stage: c('funding_stage'), category: c('funding_category'), state: c('character'),
    request_count: c('bigint'), requested_cents: c('bigint'), approved_cents: c('bigint'), disbursed_cents: c('bigint'), units: c('bigint')
  },
  rollup_partner_funded: {
    partner_id: c('bigint'), fiscal_year: c('smallint'), category: c('funding_category'), state: c('character'), funded_requests: c('bigint')
  },
  rollup_stage_duration: {
    stage: c('funding_stage'), fiscal_year: c('smallint'), category: c('funding_category'), state: c('character'),
    days: c('integer'), moves: c('bigint')
  },
  rollup_stage_throughput: {
    month: c('date'), to_stage: c('funding_stage'), fiscal_year: c('smallint'), category: c('funding_category'),
    state: c('character'), moves: c('bigint'), amount_cents: c('bigint')
  },
  rollup_need: {
    status: c('need_status'), priority: c('need_priority'), kind: c('need_kind'), state: c('character'), need_count: c('bigint'),
    quantity: c('bigint'), estimated_cost_cents: c('bigint')
  },
  rollup_need_flow: {
    month: c('date'), kind: c('need_kind'), state: c('character'), created: c('bigint'), fulfilled: c('bigint'), cancelled: c('bigint')
  },
  rollup_outreach: {
    month: c('date'), state: c('character'), format: c('outreach_format'), audience: c('outreach_audience'),
    event_count: c('bigint'), attendees: c('bigint'), partner_professionals: c('bigint'), follow_up_requests: c('bigint')
  },
  rollup_outreach_reach: {
    month: c('date'), state: c('character'), event_count: c('bigint'), attendees: c('bigint'), follow_up_requests: c('bigint')
  },
  rollup_survivors: {
    month: c('date'), state: c('character'), reports: c('bigint'), served: c('bigint'), new_intakes: c('bigint'), bed_nights: c('bigint')
  },
  // The overview's grain (migration 08): scope is '*', 'd:<division>' or 's:<ST>'.
  rollup_funding_scope: {
    fiscal_year: c('smallint'), scope: c('text'), stage: c('funding_stage'), category: c('funding_category'),
    request_count: c('bigint'), requested_cents: c('bigint'), approved_cents: c('bigint'), disbursed_cents: c('bigint'), units: c('bigint')
  },
  rollup_partner_scope: {
    fiscal_year: c('smallint'), scope: c('text'), category: c('text'), partner_kind: c('partner_kind'), partner_id: c('bigint'),
    funded_requests: c('bigint')
  },
  rollup_partner_support: {
    fiscal_year: c('smallint'), scope: c('text'), category: c('text'), partner_kind: c('partner_kind'), partners: c('bigint')
  },
  rollup_throughput_scope: {
    month: c('date'), scope: c('text'), to_stage: c('funding_stage'), category: c('text'), moves: c('bigint'),
    amount_cents: c('bigint')
  },
  rollup_need_flow_scope: {
    month: c('date'), scope: c('text'), created: c('bigint'), fulfilled: c('bigint'), cancelled: c('bigint')
  },
  rollup_need_scope: {
    scope: c('text'), status: c('need_status'), priority: c('need_priority'), need_count: c('bigint'), estimated_cost_cents: c('bigint')
  },
  rollup_outreach_scope: {
    month: c('date'), scope: c('text'), event_count: c('bigint'), attendees: c('bigint'), follow_up_requests: c('bigint')
  },
  rollup_survivors_scope: {
    month: c('date'), scope: c('text'), reports: c('bigint'), served: c('bigint'), new_intakes: c('bigint'), bed_nights: c('bigint')
  },
  beacon_setting: { id: g('boolean'), time_zone: g('text'), updated_at: g('timestamp with time zone') },
  rollup_request_month: {
    scope: c('text'), month: c('date'), stage: c('funding_stage'), category: c('funding_category'), request_count: c('bigint'),
    requested_cents: c('bigint'), approved_cents: c('bigint'), disbursed_cents: c('bigint')
  },
  rollup_move_month: {
    scope: c('text'), category: c('text'), month: c('date'), to_stage: c('funding_stage'), moves: c('bigint'),
    amount_cents: c('bigint')
  },
  rollup_paid_month: {
    scope: c('text'), category: c('text'), month: c('date'), partner_id: c('bigint'), payments: c('bigint'), units: c('bigint')
  },
  /** Payments per partner in each month of a calendar year (m01 = January), kept from rollup_paid_month. */
  rollup_paid_partner_year: {
    scope: c('text'), category: c('text'), year: c('integer'), partner_id: c('bigint'),
    m01: g('bigint'), m02: g('bigint'), m03: g('bigint'), m04: g('bigint'), m05: g('bigint'), m06: g('bigint'),
    m07: g('bigint'), m08: g('bigint'), m09: g('bigint'), m10: g('bigint'), m11: g('bigint'), m12: g('bigint')
  },
  /** Stage moves (m01 … m12) and money moved (a01 … a12) in each month of a calendar year, kept from rollup_move_month. */
  rollup_move_year: {
    scope: c('text'), category: c('text'), to_stage: c('funding_stage'), year: c('integer'),
    m01: g('bigint'), m02: g('bigint'), m03: g('bigint'), m04: g('bigint'), m05: g('bigint'), m06: g('bigint'),
    m07: g('bigint'), m08: g('bigint'), m09: g('bigint'), m10: g('bigint'), m11: g('bigint'), m12: g('bigint'),
    a01: g('bigint'), a02: g('bigint'), a03: g('bigint'), a04: g('bigint'), a05: g('bigint'), a06: g('bigint'),
    a07: g('bigint'), a08: g('bigint'), a09: g('bigint'), a10: g('bigint'), a11: g('bigint'), a12: g('bigint')
  },
  rollup_stage_days_month: {
    scope: c('text'), category: c('text'), month: c('date'), stage: c('funding_stage'), days: c('integer'), moves: c('bigint')
  },
  rollup_paid_units_month: {
    scope: c('text'), category: c('text'), month: c('date'), payments: c('bigint'), units: c('bigint')
  },
  /** In-kind units delivered per scope, request category, item and month of the delivery day. */
  rollup_delivered_units_month: {
    scope: c('text'), category: c('text'), item: c('text'), month: c('date'), lines: c('bigint'), units: c('bigint')
  }
} as const satisfies Record<string, Record<string, ColumnSpec>>;

/** Views: the catalog reports every view column as nullable, so only names and types are checked. */
export const views = {
  v_pipeline: {
    fiscal_year: c('smallint'), stage: c('funding_stage'), category: c('funding_category'), program_area: c('program_area'),
    state: c('character'), division_code: c('text'), request_count: c('bigint'), requested_cents: c('bigint'),
    approved_cents: c('bigint'), disbursed_cents: c('bigint'), units: c('bigint')
  },
  v_stage_duration: {
    stage: c('funding_stage'), fiscal_year: c('smallint'), category: c('funding_category'), state: c('character'),
    division_code: c('text'), days: c('integer'), moves: c('bigint')
  },
  v_time_in_stage: { stage: c('funding_stage'), moves: c('bigint'), median_days: n('integer'), p90_days: n('integer') },
  v_stage_throughput: {
    month: c('date'), to_stage: c('funding_stage'), fiscal_year: c('smallint'), category: c('funding_category'),
    state: c('character'), division_code: c('text'), moves: c('bigint'), amount_cents: c('bigint')
  },
  v_budget: {
    fiscal_year: c('smallint'), program_area: c('program_area'), budget_cents: c('bigint'), restricted_cents: c('bigint'),
    committed_cents: c('bigint'), disbursed_cents: c('bigint'), remaining_cents: c('bigint')
  },
  v_needs: {
    status: c('need_status'), priority: c('need_priority'), kind: c('need_kind'), state: c('character'),
    division_code: c('text'), need_count: c('bigint'), quantity: c('bigint'), estimated_cost_cents: c('bigint')
  },
  v_need_flow: {
    month: c('date'), kind: c('need_kind'), state: c('character'), division_code: c('text'), created: c('bigint'),
    fulfilled: c('bigint'), cancelled: c('bigint')
  },
  v_oldest_open_critical_needs: {
    id: c('bigint'), title: c('text'), kind: c('need_kind'), status: c('need_status'), state: c('character'),
    division_code: c('text'), center_id: c('bigint'), center_name: c('text'), estimated_cost_cents: c('bigint'),
    needed_by: n('date'), created_at: c('timestamp with time zone')
  },
  v_outreach_monthly: {
    month: c('date'), state: c('character'), division_code: c('text'), format: c('outreach_format'),
    audience: c('outreach_audience'), event_count: c('bigint'), attendees: c('bigint'), partner_professionals: c('bigint'),
    follow_up_requests: c('bigint')
  },
  v_outreach_goal_progress: {
    goal_id: c('bigint'), division_code: c('text'), period_start: c('date'), period_end: c('date'), people_goal: c('integer'),
    events_goal: n('integer'), people_reached: c('bigint'), events_held: c('bigint')
  },
  v_outreach_reach: {
    month: c('date'), state: c('character'), division_code: c('text'), event_count: c('bigint'), attendees: c('bigint'),
    follow_up_requests: c('bigint')
  },
  v_survivors_monthly: {
    month: c('date'), state: c('character'), division_code: c('text'), reports: c('bigint'), served: c('bigint'),
    new_intakes: c('bigint'), bed_nights: c('bigint')
  },
  v_impact_funding: {
    fiscal_year: c('smallint'), category: c('funding_category'), program_area: c('program_area'), state: c('character'),
    division_code: c('text'), disbursed_cents: c('bigint'), units: c('bigint'), k9s_funded: n('bigint'),
    officers_trained: n('bigint'), extraction_licenses: n('bigint'), forensic_devices: n('bigint')
  },
  v_impact_partners: {
    partner_id: c('bigint'), partner_kind: c('partner_kind'), fiscal_year: c('smallint'), category: c('funding_category'),
    state: c('character'), division_code: c('text')
  },
  v_funding_scope: {
    fiscal_year: c('smallint'), scope: c('text'), stage: c('funding_stage'), category: c('funding_category'),
    program_area: c('program_area'), request_count: c('bigint'), requested_cents: c('bigint'), approved_cents: c('bigint'),
    disbursed_cents: c('bigint'), units: c('bigint')
  },
  v_partner_scope: {
    fiscal_year: c('smallint'), scope: c('text'), category: c('text'), partner_kind: c('partner_kind'), partner_id: c('bigint'),
    funded_requests: c('bigint')
  },
  v_partner_support: {
    fiscal_year: c('smallint'), scope: c('text'), category: c('text'), partner_kind: c('partner_kind'), partners: c('bigint')
  },
  v_throughput_scope: {
    month: c('date'), scope: c('text'), to_stage: c('funding_stage'), category: c('text'), moves: c('bigint'),
    amount_cents: c('bigint')
  },
  v_need_flow_scope: {
    month: c('date'), scope: c('text'), created: c('bigint'), fulfilled: c('bigint'), cancelled: c('bigint')
  },
  v_needs_scope: {
    scope: c('text'), status: c('need_status'), priority: c('need_priority'), need_count: c('bigint'), estimated_cost_cents: c('bigint')
  },
  v_outreach_scope: {
    month: c('date'), scope: c('text'), event_count: c('bigint'), attendees: c('bigint'), follow_up_requests: c('bigint')
  },
  v_survivors_scope: {
    month: c('date'), scope: c('text'), reports: c('bigint'), served: c('bigint'), new_intakes: c('bigint'), bed_nights: c('bigint')
  },
  v_open_request_age: {
    id: c('bigint'), title: c('text'), stage: c('funding_stage'), category: c('funding_category'), fiscal_year: c('smallint'),
    state: c('character'), division_code: c('text'), partner_name: c('text'), requested_cents: c('bigint'),
    approved_cents: c('bigint'), stage_entered_at: c('timestamp with time zone'), created_at: c('timestamp with time zone')
  },
  v_partner_funded: {
    partner_id: c('bigint'), partner_name: c('text'), partner_kind: c('partner_kind'), fiscal_year: c('smallint'),
    category: c('funding_category'), state: c('character'), division_code: c('text'), funded_requests: c('bigint')
  },
  v_request_month: {
    scope: c('text'), month: c('date'), stage: c('funding_stage'), category: c('funding_category'), program_area: c('program_area'),
    request_count: c('bigint'), requested_cents: c('bigint'), approved_cents: c('bigint'), disbursed_cents: c('bigint')
  },
  v_move_month: {
    scope: c('text'), category: c('text'), month: c('date'), to_stage: c('funding_stage'), moves: c('bigint'),
    amount_cents: c('bigint')
  },
  v_request_days: {
    created_at: c('timestamp with time zone'), day: c('date'), stage: c('funding_stage'), category: c('funding_category'),
    program_area: c('program_area'), state: c('character'), division_code: c('text'), requested_cents: c('bigint'),
    approved_cents: c('bigint'), disbursed_cents: c('bigint')
  },
  v_move_days: {
    occurred_at: c('timestamp with time zone'), day: c('date'), to_stage: c('funding_stage'), category: c('funding_category'),
    program_area: c('program_area'), state: c('character'), division_code: c('text'), amount_cents: c('bigint'), moves: c('bigint')
  },
  v_need_days: {
    created_at: c('timestamp with time zone'), created_day: c('date'), closed_at: n('timestamp with time zone'), closed_day: n('date'),
    status: c('need_status'), state: c('character'), division_code: c('text')
  },
  v_outreach_days: {
    occurred_on: c('date'), state: c('character'), division_code: c('text'), format: c('outreach_format'),
    audience: c('outreach_audience'), attendees: c('integer'), follow_up_requests: c('integer')
  },
  v_paid_month: {
    scope: c('text'), category: c('text'), month: c('date'), partner_id: c('bigint'), payments: c('bigint'), units: c('bigint')
  },
  v_stage_days_month: {
    scope: c('text'), category: c('text'), month: c('date'), stage: c('funding_stage'), days: c('integer'), moves: c('bigint')
  },
  v_paid_units_month: {
    scope: c('text'), category: c('text'), month: c('date'), payments: c('bigint'), units: c('bigint')
  },
  v_paid_days: {
    occurred_at: c('timestamp with time zone'), day: c('date'), category: c('funding_category'), state: c('character'),
    division_code: c('text'), partner_id: c('bigint'), units: c('bigint')
  },
  v_stage_days_moves: {
    occurred_at: c('timestamp with time zone'), day: c('date'), stage: c('funding_stage'), category: c('funding_category'),
    state: c('character'), division_code: c('text'), days: c('integer')
  }
} as const satisfies Record<string, Record<string, ColumnSpec>>;

type Scalar<T extends PgType> = T extends EnumName
  ? EnumValue<T>
  : T extends 'bigint' | 'integer' | 'smallint' | 'numeric' | 'double precision'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'timestamp with time zone'
        ? Date
        : T extends 'jsonb'
          ? unknown
          : T extends 'bytea'
            ? Uint8Array
            : string;

/** What a write may pass: timestamps also as ISO strings, jsonb as serialised text. */
type Writable<T extends PgType> = T extends 'timestamp with time zone' ? Date | string : T extends 'jsonb' ? string : Scalar<T>;

type OrNull<S extends ColumnSpec, T> = S['nullable'] extends true ? T | null : T;

type Column<S extends ColumnSpec> = ColumnType<
  OrNull<S, Scalar<S['type']>>,
  S['generated'] extends true ? OrNull<S, Writable<S['type']>> | undefined : OrNull<S, Writable<S['type']>>,
  OrNull<S, Writable<S['type']>>
>;

type Row<T extends Record<string, ColumnSpec>> = { [K in keyof T]: Column<T[K]> };

export type Database = { [T in keyof typeof tables]: Row<(typeof tables)[T]> } & {
  [V in keyof typeof views]: Row<(typeof views)[V]>;
};
