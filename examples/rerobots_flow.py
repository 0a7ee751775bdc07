#!/usr/bin/python3
"""Borrow a Misty II through mistyproxy with the rerobots client API.

The code in main() is what a rerobots user writes:

    apic = APIClient(api_token=TOKEN, base_uri=BASE)
    inst = Instance(['fixed_misty2'], apic=apic)
    inst.activate_addon_mistyproxy()
    url = inst.status_addon_mistyproxy()['url'][1]

The `rerobots` package cannot be installed here, so APIClient and Instance
below are a small shim with the same names and signatures that sends exactly
the HTTP requests rerobots 0.x sends (rerobots/api.py and instances.py), using
python3-requests. With the real client installed, delete the shim and
`from rerobots import APIClient, Instance` instead; nothing else changes.

Usage: rerobots_flow.py --base-uri http://127.0.0.1:8080 --api-token TOKEN [--type fixed_misty2] [--check]
With --check, exits 1 unless GET /api/device is relayed (200) and
POST /api/reboot is refused (403) by the deployment's policy.
"""

import argparse
import json
import sys
import time

import requests


# ---- shim: same HTTP calls as the rerobots client -------------------------

class Error(Exception):
    pass


class BusyWorkspaceDeployment(Error):
    pass


class InstanceNotFound(Error):
    pass


class WrongAuthToken(Error):
    pass


class APIClient:
    def __init__(self, api_token=None, headers=None, ignore_env=False, base_uri=None, verify=True):
        self.__headers = dict(headers or {})
        if api_token:
            self.__headers['Authorization'] = 'Bearer ' + api_token
        self.__base_uri = base_uri or 'https://api.rerobots.net'
        self.__verify_certs = verify

    def get_wdeployments(self, query=None, maxlen=None, types=None, page=None, max_per_page=None):
        params = {}
        if max_per_page is not None:
            params['max_per_page'] = max_per_page
            if page is not None:
                params['page'] = page
        if query is not None:
            params['q'] = query
        if maxlen is not None:
            params['maxlen'] = maxlen
        if types is not None:
            params['types'] = ','.join(types)
        params['info'] = 't'
        res = requests.get(self.__base_uri + '/deployments', params=params,
                           headers=self.__headers, verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.text)
        payload = res.json()
        out = [{'id': w, 'type': payload['info'][w]['type'], 'region': payload['info'][w]['region'],
                'queuelen': payload['info'][w]['queuelen']} for w in payload['workspace_deployments']]
        if max_per_page is None:
            return out
        return out, payload.get('page_count')

    def get_wdeployment_info(self, wdeployment_id):
        res = requests.get(self.__base_uri + '/deployment/' + wdeployment_id,
                           headers=self.__headers, verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.text)
        return res.json()

    def get_instance_info(self, instance_id):
        res = requests.get(self.__base_uri + '/instance/' + instance_id,
                           headers=self.__headers, verify=self.__verify_certs)
        if res.ok:
            return res.json()
        payload = res.json()
        if payload.get('error_message') == 'instance not found':
            raise InstanceNotFound('no instance with identifier {}'.format(instance_id))
        if payload.get('error_message') == 'wrong authorization token':
            raise WrongAuthToken('wrong authorization token')
        raise Error(payload.get('error_message', payload))

    def request_instance(self, type_or_wdeployment_id, sshkey=None, vpn=False, reserve=False,
                         event_url=None, duration=None):
        body = {}
        if sshkey is not None:
            body['sshkey'] = sshkey
        if duration is not None:
            body['expire_d'] = duration
        if vpn:
            body['vpn'] = vpn
        body['reserve'] = reserve
        if event_url is not None:
            body['eurl'] = event_url
        res = requests.post(self.__base_uri + '/new/' + type_or_wdeployment_id, data=json.dumps(body),
                            headers=self.__headers, verify=self.__verify_certs)
        if res.ok:
            return res.json()
        payload = res.json()
        errmsg = payload.get('result_message', payload.get('error'))
        if errmsg is None:
            raise Error(payload)
        if errmsg.startswith('All matching workspace deployments are busy'):
            raise BusyWorkspaceDeployment(errmsg)
        raise Error(errmsg)

    def terminate_instance(self, instance_id):
        res = requests.post(self.__base_uri + '/terminate/' + instance_id,
                            headers=self.__headers, verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.json().get('result_message', res.text))

    def activate_addon_mistyproxy(self, instance_id):
        res = requests.post(self.__base_uri + '/addon/mistyproxy/' + instance_id,
                            headers=self.__headers, verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.text)

    def status_addon_mistyproxy(self, instance_id):
        res = requests.get(self.__base_uri + '/addon/mistyproxy/' + instance_id,
                           headers=self.__headers, verify=self.__verify_certs)
        if not res.ok and res.status_code != 404:
            raise Error(res.text)
        if res.status_code == 404:
            return {'status': 'notfound'}
        return res.json()

    def deactivate_addon_mistyproxy(self, instance_id):
        res = requests.delete(self.__base_uri + '/addon/mistyproxy/' + instance_id,
                              headers=self.__headers, verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.text)


class Instance:
    def __init__(self, workspace_types=None, wdeployment_id=None, instance_id=None,
                 api_token=None, headers=None, apic=None):
        if workspace_types is None and wdeployment_id is None and instance_id is None:
            raise ValueError('at least workspace_types, wdeployment_id, or instance_id must be given')
        self.apic = apic if apic is not None else APIClient(api_token=api_token, headers=headers)
        if wdeployment_id is not None and workspace_types is not None:
            if self.apic.get_wdeployment_info(wdeployment_id)['type'] not in workspace_types:
                raise ValueError('workspace deployment {} does not have type in {}'.format(wdeployment_id, workspace_types))
        if workspace_types is not None:
            candidates = self.apic.get_wdeployments(types=workspace_types)
            if not candidates:
                raise ValueError('no deployments found with any type in {}'.format(workspace_types))
            self._wdeployment_id = candidates[0]['id']
        else:
            self._wdeployment_id = wdeployment_id
        if instance_id is None:
            payload = self.apic.request_instance(self._wdeployment_id, reserve=False)
            self._id = payload['id']
            self._status = 'INIT'
        else:
            self._id = instance_id
            payload = self.apic.get_instance_info(self._id)
            self._wdeployment_id = payload['deployment']
            self._status = payload['status']

    def get_status(self):
        self._status = self.apic.get_instance_info(self._id)['status']
        return self._status

    def activate_addon_mistyproxy(self):
        self.apic.activate_addon_mistyproxy(self._id)

    def status_addon_mistyproxy(self):
        return self.apic.status_addon_mistyproxy(self._id)

    def deactivate_addon_mistyproxy(self):
        self.apic.deactivate_addon_mistyproxy(self._id)

    def terminate(self):
        self.apic.terminate_instance(self._id)


# ---- what a rerobots user writes ------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--base-uri', required=True)
    ap.add_argument('--api-token', required=True)
    ap.add_argument('--type', default='fixed_misty2')
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()

    apic = APIClient(api_token=args.api_token, base_uri=args.base_uri)
    inst = Instance([args.type], apic=apic)
    print('instance', inst._id)
    deadline = time.time() + 30
    while inst.get_status() == 'INIT' and time.time() < deadline:
        time.sleep(0.2)
    print('status', inst._status)
    if inst._status != 'READY':
        print('instance did not become READY:', apic.get_instance_info(inst._id))
        return 1
    try:
        inst.activate_addon_mistyproxy()
        status = inst.status_addon_mistyproxy()
        while status['status'] == 'starting' and time.time() < deadline:
            time.sleep(0.2)
            status = inst.status_addon_mistyproxy()
        print('proxy URLs', status['url'])
        url = status['url'][1]

        device = requests.get(url + '/api/device')
        print('GET  /api/device ->', device.status_code, device.text[:120])
        reboot = requests.post(url + '/api/reboot', json={})
        print('POST /api/reboot ->', reboot.status_code, reboot.text)

        inst.deactivate_addon_mistyproxy()
        after = requests.get(url + '/api/device')
        print('after deactivate ->', after.status_code, after.text)
        print('add-on status', inst.status_addon_mistyproxy())
    finally:
        inst.terminate()
    print('status', inst.get_status())

    if args.check:
        ok = (device.status_code == 200 and reboot.status_code == 403
              and reboot.json().get('status') == 'Failed' and after.status_code == 404
              and inst._status == 'TERMINATED')
        print('check', 'passed' if ok else 'FAILED')
        return 0 if ok else 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
