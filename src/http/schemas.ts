import { Type } from 'typebox';

/** Schemas shared by routes; bounded sizes everywhere (SPEC §7). */
export const TournamentId = Type.String({ pattern: '^t_\\d{1,9}$', maxLength: 12 });
export const TeamIdParam = Type.String({ pattern: '^team_\\d{1,9}$', maxLength: 15 });
export const MatchIdParam = Type.String({ pattern: '^[a-z0-9_]{1,40}$', maxLength: 40 });
export const UserIdParam = Type.String({ pattern: '^u_\\d{1,9}$', maxLength: 12 });

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

export const Scores = Type.Record(
  Type.String({ maxLength: 20 }),
  Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  {
    maxProperties: 2,
  },
);

export const ResultBody = Type.Object(
  {
    winner: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 20 })])),
    scores: Type.Optional(Type.Union([Type.Null(), Scores])),
  },
  { additionalProperties: false },
);

export const LastEventQuery = Type.Object({
  last_event_id: Type.Optional(Type.String({ maxLength: 20 })),
});

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};

/**
 * Validator options of both servers. Query strings need coercion (`?limit=5`);
 * unions list Null first so that coercion never turns a JSON null into "" or 0.
 */
export const AJV_OPTIONS = {
  coerceTypes: 'array',
  removeAdditional: false,
  allErrors: false,
} as const;
