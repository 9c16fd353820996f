/**
 * Verification of the electronic certificates (电子证照) the simulated departments issue: what a
 * certificate reference's `verificationUrl` answers, so the next department and the portal check
 * a certificate at its issuer instead of trusting a copied number.
 */
import type { FastifyInstance } from 'fastify';
import { certificateReference } from '../../schemas/materials.js';
import { simulatorCodes } from './protocol.js';
import type { SimulatorState } from './state.js';

interface CertificateParams {
  department: string;
  number: string;
}

export function registerCertificateRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.get<{ Params: CertificateParams }>(
    '/departments/:department/certificates/:number',
    async (request, reply) => {
      const { department, number } = request.params;
      // The ledger holds what each call issued: a certificate is valid if this department issued it.
      // Any output may be one (the birth certificate, the household page, the business licence).
      for (const entry of state.ledger.list({ department })) {
        for (const output of Object.values(entry.outputs ?? {})) {
          const issued = certificateReference.safeParse(output);
          if (issued.success && issued.data.number === number && issued.data.issuer === department) {
            return reply.send({ valid: true, certificate: issued.data, issuedAt: entry.decidedAt });
          }
        }
      }
      return reply.code(404).send({
        valid: false,
        code: simulatorCodes.unknownCertificate,
        reason: `${department} issued no certificate ${number}`,
      });
    },
  );
}
