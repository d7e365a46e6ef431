"""The core every layer builds on, importing nothing else of the project: place codes and their hierarchy
(:mod:`~dashboard.domain.places`), the sector and organisation-type vocabularies
(:mod:`~dashboard.domain.vocabulary`), how people's spellings are compared (:mod:`~dashboard.domain.text`),
roles and permissions (:mod:`~dashboard.domain.roles`), the named states and kinds the store records
(:mod:`~dashboard.domain.enums`), the columns of the frames the store hands the analyses
(:mod:`~dashboard.domain.frames`) and the filters every view shares (:mod:`~dashboard.domain.filters`)."""
