import { $ } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, onSubmit, showProblem } from './problems.js';
import { loadQueues } from './queues.js';
import { loadWorkstreams } from './rules.js';
import { choice, state, val } from './state.js';
import { go } from './wizard-nav.js';

/** Wizard step 4: the workstream and its default queue (an existing one or a new one). */
export function initWorkstreamStep() {
  onSubmit('form-workstream', async () => {
    clearErrors('workstream');
    try {
      let queueId = $<HTMLSelectElement>('workstream-queue').value;
      if (!queueId) {
        const q = await send(
          client.queues.$post({
            json: {
              name: val('workstream-newQueue'),
              assignmentMethod: 'highest_capacity',
              agentIds: [],
            },
          }),
        );
        queueId = q.id;
        await loadQueues();
      }
      state.workstream = await send(
        client.workstreams.$post({
          json: {
            name: val('workstream-name'),
            distributionMode: choice<'push' | 'pick'>('workstream-mode'),
            defaultQueueId: queueId,
          },
        }),
      );
      await loadWorkstreams();
      go('channel');
    } catch (err) {
      showProblem(err, 'workstream');
    }
  });
}
