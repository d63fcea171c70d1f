import type * as NationalPortal from './generated/national-portal.js';
import type * as AgencySystem from './generated/agency-system.js';

export type { NationalPortal, AgencySystem };

/** Component schemas of the national portal's document (the shared data model lives here). */
export type NationalPortalSchemas = NationalPortal.components['schemas'];
/** Component schemas of the agency system's document. */
export type AgencySystemSchemas = AgencySystem.components['schemas'];

/** A dossier (HoSo) as systems sync it to the national portal. */
export type Dossier = NationalPortalSchemas['Dossier'];
/** One processing step / status event (CapNhatTienDoHoSoMC item). */
export type ProcessingStep = NationalPortalSchemas['ProcessingStep'];
/** `TrangThaiHoSo`: "1" … "10". */
export type DossierStatus = NationalPortalSchemas['DossierStatus'];
/** What the national portal holds for a dossier. */
export type DossierRecord = NationalPortalSchemas['DossierRecord'];
export type Procedure = NationalPortalSchemas['Procedure'];
export type Agency = NationalPortalSchemas['Agency'];
export type Feedback = NationalPortalSchemas['Feedback'];
export type FeedbackAnswer = NationalPortalSchemas['FeedbackAnswer'];
export type Evaluation = NationalPortalSchemas['Evaluation'];
export type StatisticsReport = NationalPortalSchemas['StatisticsReport'];
export type Payment = NationalPortalSchemas['Payment'];
export type PaymentRequest = NationalPortalSchemas['PaymentRequest'];
/** The national portal's userinfo claims (Vietnamese claim names). */
export type UserInfo = NationalPortalSchemas['UserInfo'];
/** An RFC 9457 problem body with JSON-pointer errors. */
export type Problem = NationalPortalSchemas['Problem'];
export type ProblemError = NationalPortalSchemas['ProblemError'];
export type DvcqgErrorCode = NationalPortalSchemas['DvcqgErrorCode'];
/** A dossier submitted on the national portal, before the agency gives it a code. */
export type DossierSubmission = AgencySystemSchemas['DossierSubmission'];
export type ReceptionReceipt = AgencySystemSchemas['ReceptionReceipt'];
export type PublicDossierStatus = AgencySystemSchemas['PublicDossierStatus'];
export type DossierView = AgencySystemSchemas['DossierView'];
