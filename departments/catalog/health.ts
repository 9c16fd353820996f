import { z } from 'zod';
import { citizenIdNumber, isoDate, issuedNumber, personName, sex, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';
import { certificateOf } from '../../schemas/materials.js';

/** Hospital / health commission (卫健): issues the birth and death medical certificates. */
export const health = defineDepartment('health', { zh: '卫生健康委员会', en: 'Health Commission' }, [
  {
    id: 'birth-certificate',
    title: { zh: '出生医学证明', en: 'Birth medical certificate' },
    input: z.object({
      babyName: personName,
      babySex: sex,
      birthDate: isoDate,
      deliveryRecordNumber: issuedNumber,
      motherName: personName,
      motherIdNumber: citizenIdNumber,
      fatherName: personName,
      fatherIdNumber: citizenIdNumber,
    }),
    // The number as before, and the electronic certificate (电子证照) the next department and the
    // portal verify at its issuer instead of copying the number.
    output: z.object({
      certificateNumber: issuedNumber.meta(
        label({ zh: '出生医学证明编号', en: 'Birth medical certificate number' }),
      ),
      certificate: certificateOf('birth-medical-certificate')
        .meta(label({ zh: '电子出生医学证明', en: 'Electronic birth medical certificate' }))
        .optional(),
    }),
  },
  {
    id: 'death-certificate',
    title: { zh: '死亡医学证明', en: 'Death medical certificate' },
    // The cause of death stays in the hospital's record; only the certificate number travels.
    input: z.object({
      deceasedName: personName,
      deceasedIdNumber: citizenIdNumber,
      deathDate: isoDate,
      deathPlace: z.string().min(1).max(200),
    }),
    output: z.object({
      certificateNumber: issuedNumber.meta(
        label({ zh: '死亡医学证明编号', en: 'Death medical certificate number' }),
      ),
    }),
  },
]);
