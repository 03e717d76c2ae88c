"""The application, without Qt: one case (session), diagnosis, fix plans with their guidance
fallback, apply and re-check, the case document. `wizard.cli` and `wizard.ui` are shells over
it."""
