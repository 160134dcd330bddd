/** `clientele erase`: the right to erasure from the command line, as `POST /v1/customers/:id/erase` does it. */
import { CustomerService } from '../../domain/customers/customer-service.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { customerIdFromWire, customerIdRenderings, tenantIdToWire } from '../../formats/ids.ts';
import { erasedCustomerToStripe } from '../../formats/stripe-customer.ts';
import { tenantArg } from '../tenant-arg.ts';
import { booleanOption, JSON_OUTPUT, printJson, stringOption, UsageError, withStore, type CliCommand } from './command.ts';

/** The tombstone and the history entry name the command line as who erased. */
const CLI_ERASURE: WriteContext = { actor: 'cli', surface: 'cli', requestId: null };

export const eraseCommand: CliCommand = {
  name: 'erase',
  usage: `  erase --tenant ID --customer cus_… [--mode test|live] [--json]
                                          Erase a customer's personal data for good, deleted or not: its
                                          record, history values, event payloads and stored replies. A
                                          tombstone stays; erasing again prints it. --mode: live by default.
`,
  options: { tenant: { type: 'string' }, mode: { type: 'string' }, customer: { type: 'string' }, ...JSON_OUTPUT },
  run: async (values) => {
    const tenantText = stringOption(values, 'tenant');
    const customerText = stringOption(values, 'customer');
    const mode = stringOption(values, 'mode') ?? 'live';
    if (!tenantText) throw new UsageError('erase needs --tenant');
    if (!customerText) throw new UsageError('erase needs --customer');
    if (mode !== 'test' && mode !== 'live') throw new UsageError('--mode is test or live');
    const erased = await withStore(async (store, tenants) => {
      const tenant = await tenantArg(tenants, tenantText);
      const id = customerIdFromWire(customerText);
      if (id === null) throw new NotFoundError('customer', customerText);
      try {
        return await new CustomerService(store, customerIdRenderings).erase({ tenantId: tenant.id, mode }, id, CLI_ERASURE);
      } catch (err) {
        // Named as the operator wrote it, not by its canonical id.
        throw err instanceof NotFoundError ? new NotFoundError('customer', customerText) : err;
      }
    });
    const tombstone = erasedCustomerToStripe(erased);
    if (booleanOption(values, 'json')) printJson(tombstone);
    else {
      const when = new Date(erased.erasedAt).toISOString();
      process.stdout.write(`Erased ${tombstone.id} (${tenantIdToWire(erased.customer.tenant_id)}, ${mode}) at ${when} by ${tombstone.erased_by}\n`);
    }
    return 0;
  },
};
