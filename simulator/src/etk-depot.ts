import { BadRequest, childrenNS, onlyChild, soapEnvelope, tag, text } from './xml.js';

/** The eHealth ETK depot (GetEtk, unsecured SOAP, PROTOCOL §5.1). */

const ETK_NS = 'urn:be:fgov:ehealth:etkdepot:1_0:protocol';
const CORE_NS = 'urn:be:fgov:ehealth:commons:1_0:core';

export interface EtkEntry {
  type: string;
  value: string;
  applicationId?: string;
  etk: Buffer;
}

function key(type: string, value: string, applicationId: string | undefined): string {
  return `${type}|${value}|${applicationId ?? ''}`;
}

export function etkDirectory(entries: readonly EtkEntry[]): ReadonlyMap<string, Buffer> {
  return new Map(entries.map((entry) => [key(entry.type, entry.value, entry.applicationId), entry.etk]));
}

export function getEtk(body: Element, directory: ReadonlyMap<string, Buffer>): string {
  const request = onlyChild(body, ETK_NS, 'GetEtkRequest');
  const identifiers = childrenNS(onlyChild(request, ETK_NS, 'SearchCriteria'), ETK_NS, 'Identifier');
  const identifier = identifiers[0];
  if (identifiers.length !== 1 || identifier === undefined) throw new BadRequest('exactly one identifier is supported');
  const type = text(onlyChild(identifier, ETK_NS, 'Type'));
  const value = text(onlyChild(identifier, ETK_NS, 'Value'));
  const applicationElement = childrenNS(identifier, ETK_NS, 'ApplicationID')[0];
  const applicationId = applicationElement === undefined ? undefined : text(applicationElement);
  const etk = directory.get(key(type, value, applicationId));
  return soapEnvelope((document) => {
    const criteria = tag(
      document,
      ETK_NS,
      'etk:GivenSearchCriteria',
      {},
      tag(
        document,
        ETK_NS,
        'etk:Identifier',
        {},
        tag(document, ETK_NS, 'etk:Type', {}, type),
        tag(document, ETK_NS, 'etk:Value', {}, value),
        ...(applicationId === undefined ? [] : [tag(document, ETK_NS, 'etk:ApplicationID', {}, applicationId)]),
      ),
    );
    const status = (code: string, message: string) =>
      tag(document, CORE_NS, 'core:Status', {}, tag(document, '', 'Code', {}, code), tag(document, '', 'Message', { Lang: 'EN' }, message));
    const result =
      etk === undefined
        ? tag(
            document,
            ETK_NS,
            'etk:Error',
            {},
            tag(document, ETK_NS, 'etk:Code', {}, 'NO_ETK_FOUND'),
            tag(document, ETK_NS, 'etk:Message', {}, 'No ETK found for the given search criteria'),
          )
        : tag(document, ETK_NS, 'etk:ETK', {}, etk.toString('base64'));
    return tag(document, ETK_NS, 'etk:GetEtkResponse', { Id: `_${Date.now().toString(36)}` }, status('200', 'Success'), criteria, result);
  });
}
