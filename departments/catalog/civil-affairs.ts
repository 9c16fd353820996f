import { z } from 'zod';
import { citizenIdNumber, issuedNumber, personName, phoneNumber, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Civil affairs bureau and its funeral homes (民政、殡仪馆): issue the cremation certificate. */
export const civilAffairs = defineDepartment('civil-affairs', { zh: '民政局', en: 'Civil Affairs Bureau' }, [
  {
    id: 'cremation-certificate',
    title: { zh: '火化证明', en: 'Cremation certificate' },
    input: z.object({
      deathCertificateNumber: issuedNumber,
      deceasedName: personName,
      deceasedIdNumber: citizenIdNumber,
      // The funeral home arranges the cremation with the family.
      familyContactName: personName,
      familyContactPhone: phoneNumber,
    }),
    output: z.object({
      cremationRecordNumber: issuedNumber.meta(
        label({ zh: '火化证明编号', en: 'Cremation certificate number' }),
      ),
    }),
  },
]);
