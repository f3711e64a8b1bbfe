/**
 * A CACAO 2.0 playbook written by hand in the style of the specification's examples (CACAO Security
 * Playbooks v2.0, section 4 and Appendix examples): a start, manual actions performed by an
 * organisation agent, a parallel step, an if-condition, a playbook-action and an end, with a playbook
 * variable and a bash command the import cannot run.
 */
export function handWrittenPlaybook(): Record<string, unknown> {
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: 'playbook--61a6c41e-6efc-4516-a242-dfbc5c89d562',
    name: 'Find and contain a phishing campaign',
    description: 'Investigates reported phishing emails and blocks the sender.',
    playbook_types: ['investigation', 'mitigation'],
    created_by: 'identity--5abe695c-7bd5-4c31-8824-2528696cdbf1',
    created: '2023-01-20T12:00:00.000Z',
    modified: '2023-01-20T12:00:00.000Z',
    playbook_variables: {
      __sender__: { type: 'string', description: 'The sender address', value: '', constant: false },
    },
    workflow_start: 'start--07bea7f0-0a3c-4e0e-a2c8-2d9d9ad5c4c1',
    workflow: {
      'start--07bea7f0-0a3c-4e0e-a2c8-2d9d9ad5c4c1': {
        type: 'start',
        on_completion: 'action--88f4c4fc-eb4f-4a8c-8a5b-c1b5ab0a8a01',
      },
      'action--88f4c4fc-eb4f-4a8c-8a5b-c1b5ab0a8a01': {
        type: 'action',
        name: 'Collect the reported emails',
        description: 'Gather every copy of the reported email and its headers.',
        commands: [
          {
            type: 'manual',
            command: 'Ask the reporters to forward the email as an attachment.',
            playbook_activity: 'analyze-collected-data',
          },
        ],
        agent: 'organization--7a3a9b8e-4c0f-4b59-9a8f-6d4c8c1e2f10',
        on_completion: 'parallel--d1c2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      },
      'parallel--d1c2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d': {
        type: 'parallel',
        name: 'Contain in parallel',
        next_steps: ['action--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5e', 'action--b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5f'],
      },
      'action--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5e': {
        type: 'action',
        name: 'Block the sender',
        commands: [
          { type: 'manual', command: 'Block __sender__ on the mail gateway.', playbook_activity: 'restrict-access' },
          { type: 'bash', command: 'gateway-cli block "$SENDER"' },
        ],
        agent: 'organization--7a3a9b8e-4c0f-4b59-9a8f-6d4c8c1e2f10',
        on_completion: 'if-condition--c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c60',
      },
      'action--b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5f': {
        type: 'action',
        name: 'Purge the email from mailboxes',
        commands: [{ type: 'manual', command: 'Search and purge every copy.', playbook_activity: 'eliminate-risk' }],
        agent: 'organization--7a3a9b8e-4c0f-4b59-9a8f-6d4c8c1e2f10',
        on_completion: 'if-condition--c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c60',
      },
      'if-condition--c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c60': {
        type: 'if-condition',
        condition: "[email-message:from_ref.value = 'attacker@example.com']",
        on_true: 'playbook-action--e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c61',
        on_false: 'end--f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c62',
        on_completion: 'end--f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c62',
      },
      'playbook-action--e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c61': {
        type: 'playbook-action',
        name: 'Run the credential-reset playbook',
        playbook_id: 'playbook--a0777468-d6cc-4d1a-bd0e-2b3b3c9e1e4f',
        on_completion: 'end--f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c62',
      },
      'end--f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c62': { type: 'end' },
    },
    agent_definitions: {
      'organization--7a3a9b8e-4c0f-4b59-9a8f-6d4c8c1e2f10': { type: 'organization', name: 'SOC' },
    },
  };
}
