import type { LoadedSpec } from '../../spec/types.js';
import { headerLine, textFile, type GeneratedFile } from '../files.js';
import { yamlDocument } from '../serialize.js';
import { firstServer, K3S_API_PORT, K3S_TOKEN_PATH } from './k3s-config.js';

/**
 * Ansible as a second way to run the SAME rendered scripts: it copies node.sh and the node's
 * config.yaml to each Pi and runs them (servers one at a time, then agents), reboots when the script
 * exits 3, runs it again, then runs flux.sh once on the control machine. No logic of its own.
 */

/** Exit code of node.sh that asks for a reboot (scripts/common.sh EXIT_REBOOT). */
export const EXIT_REBOOT = 3;

/** Ansible group names must be identifiers: pi5-lab → pi5_lab. */
export function clusterGroup(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

export function renderInventory(spec: LoadedSpec, path: string): GeneratedFile {
  const name = spec.cluster.metadata.name;
  const host = (role: 'server' | 'agent'): string[] =>
    spec.cluster.spec.nodes.filter((n) => n.role === role).map((n) => `${n.name} ansible_host=${n.address} node_name=${n.name}`);
  const body = [
    `# Servers are installed first, one at a time (the first one initialises the cluster), then the agents.`,
    '[server]',
    ...host('server'),
    '',
    '[agent]',
    ...host('agent'),
    '',
    `[${clusterGroup(name)}:children]`,
    'server',
    'agent',
    '',
    `[${clusterGroup(name)}:vars]`,
    'ansible_python_interpreter=/usr/bin/python3',
    `pi_gitops_dir=/opt/pi-gitops/${name}`,
  ];
  return textFile(path, spec.file, body.join('\n'));
}

const runNode = (register: string): Record<string, unknown> => ({
  'ansible.builtin.command': { argv: ['{{ pi_gitops_dir }}/node.sh', '--node', '{{ node_name }}'] },
  register,
  changed_when: `'nothing to change' not in ${register}.stdout`,
});

/** Tasks for one node, imported by the server play and the agent play. */
export function nodeTasks(): object[] {
  return [
    { name: 'Create the folder for the rendered bootstrap files', 'ansible.builtin.file': { path: '{{ pi_gitops_dir }}/nodes/{{ node_name }}', state: 'directory', mode: '0755' } },
    { name: 'Copy the rendered node script', 'ansible.builtin.copy': { src: '{{ playbook_dir }}/../node.sh', dest: '{{ pi_gitops_dir }}/node.sh', mode: '0755' } },
    { name: "Copy this node's rendered K3s config", 'ansible.builtin.copy': { src: '{{ playbook_dir }}/../nodes/{{ node_name }}/config.yaml', dest: '{{ pi_gitops_dir }}/nodes/{{ node_name }}/config.yaml', mode: '0600' } },
    { name: 'Create /etc/rancher/k3s', 'ansible.builtin.file': { path: '/etc/rancher/k3s', state: 'directory', mode: '0755' } },
    {
      name: 'Install the join token (mode 0600, never logged)',
      'ansible.builtin.copy': { src: '{{ k3s_token_file }}', dest: K3S_TOKEN_PATH, owner: 'root', group: 'root', mode: '0600' },
      no_log: true,
    },
    { name: 'Prepare the node and install K3s (node.sh)', ...runNode('node_run'), failed_when: `node_run.rc not in [0, ${EXIT_REBOOT}]` },
    { name: 'Reboot for the cgroup flags / kernel (node.sh exited 3)', 'ansible.builtin.reboot': { reboot_timeout: 900 }, when: `node_run.rc == ${EXIT_REBOOT}` },
    { name: 'Run node.sh again after the reboot', ...runNode('node_rerun'), when: `node_run.rc == ${EXIT_REBOOT}` },
  ];
}

export function sitePlaybook(spec: LoadedSpec): object[] {
  const name = spec.cluster.metadata.name;
  const kubeconfig = { kubeconfig_path: `{{ lookup('ansible.builtin.env', 'HOME') }}/.kube/${name}.yaml` };
  const first = firstServer(spec.cluster.spec);
  return [
    {
      name: 'Check the inputs on this machine',
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      vars: kubeconfig,
      tasks: [
        { name: 'A join token file is given', 'ansible.builtin.assert': { that: ['k3s_token_file is defined'], fail_msg: 'pass -e k3s_token_file=PATH: a file with mode 0600 holding the join token (openssl rand -hex 32)' } },
        { name: 'Read the token file mode', 'ansible.builtin.stat': { path: '{{ k3s_token_file }}' }, register: 'token_stat' },
        {
          name: 'The token file exists and only its owner can read it',
          'ansible.builtin.assert': { that: ['token_stat.stat.exists', "token_stat.stat.mode in ['0600', '0400']"], fail_msg: '{{ k3s_token_file }} must exist with mode 0600' },
        },
        { name: 'Create the private folder for the kubeconfig', 'ansible.builtin.file': { path: '{{ kubeconfig_path | dirname }}', state: 'directory', mode: '0700' } },
      ],
    },
    {
      name: `Prepare the K3s servers of ${name}, one at a time`,
      hosts: 'server',
      become: true,
      gather_facts: false,
      serial: 1,
      vars: kubeconfig,
      tasks: [
        { name: 'Prepare and install the node', 'ansible.builtin.import_tasks': 'node-tasks.yaml' },
        {
          name: 'Fetch the kubeconfig from the first server',
          'ansible.builtin.fetch': { src: '/etc/rancher/k3s/k3s.yaml', dest: '{{ kubeconfig_path }}', flat: true },
          when: "inventory_hostname == groups['server'][0]",
        },
      ],
    },
    {
      name: `Prepare the K3s agents of ${name}`,
      hosts: 'agent',
      become: true,
      gather_facts: false,
      tasks: [{ name: 'Prepare and install the node', 'ansible.builtin.import_tasks': 'node-tasks.yaml' }],
    },
    {
      name: `Install Flux on ${name} and create the bootstrap Secrets`,
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      vars: kubeconfig,
      tasks: [
        {
          name: 'Point the kubeconfig at the first server',
          'ansible.builtin.replace': { path: '{{ kubeconfig_path }}', regexp: 'https://127\\.0\\.0\\.1:6443', replace: `https://${first.address}:${K3S_API_PORT}` },
        },
        { name: 'Keep the kubeconfig private', 'ansible.builtin.file': { path: '{{ kubeconfig_path }}', mode: '0600' } },
        {
          name: 'Run the rendered flux.sh',
          'ansible.builtin.command': { argv: ['{{ playbook_dir }}/../flux.sh'] },
          environment: {
            KUBECONFIG: '{{ kubeconfig_path }}',
            FLUX_GIT_SSH_KEY_FILE: "{{ flux_git_ssh_key_file | default('') }}",
            FLUX_GIT_KNOWN_HOSTS_FILE: "{{ flux_git_known_hosts_file | default('') }}",
            FLUX_GIT_TOKEN_FILE: "{{ flux_git_token_file | default('') }}",
            FLUX_GIT_USERNAME: "{{ flux_git_username | default('git') }}",
            SOPS_AGE_KEY_FILE: "{{ sops_age_key_file | default('') }}",
          },
          register: 'flux_run',
          changed_when: "'nothing to change' not in flux_run.stdout",
        },
      ],
    },
  ];
}

function yamlFileOf(path: string, source: string, value: object): GeneratedFile {
  return { path, content: `${headerLine(source)}\n---\n${yamlDocument(value)}` };
}

export function renderAnsible(spec: LoadedSpec, dir: string): GeneratedFile[] {
  return [
    renderInventory(spec, `${dir}/inventory.ini`),
    yamlFileOf(`${dir}/site.yaml`, spec.file, sitePlaybook(spec)),
    yamlFileOf(`${dir}/node-tasks.yaml`, spec.file, nodeTasks()),
  ];
}
