import { BatonError } from '../../../shared/errors.ts';

/** An attachment the gateway will not take (limits, type, name); its words are for the person. */
export class AttachmentRefusedError extends BatonError<'INVALID_INPUT'> {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'AttachmentRefusedError';
  }
}
